using System.Security.Cryptography;
using System.Text;

namespace Berth.Server.Security;

/// <summary>
/// How token secrets (API tokens, bootstrap tokens) are stored and checked: the lower-case hex SHA-256 of the text,
/// compared in constant time.
/// </summary>
/// <remarks>
/// The secrets are random (256 bits for API tokens, about 80 for bootstrap tokens that live an hour and are used once), so
/// a plain SHA-256 serves rather than a slow password hash: slow hashes (bcrypt, PBKDF2) exist to make guessing
/// low-entropy passwords from a stolen hash expensive, and nobody can enumerate such secrets however fast the hash is. The
/// fast hash keeps every authenticated request cheap.
/// </remarks>
public static class SecretHash
{
    /// <summary>SHA-256 of <paramref name="secret"/>, lower-case hex: what the store keeps.</summary>
    public static string Of(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>
    /// True when <paramref name="secret"/> hashes to <paramref name="stored"/>; in constant time, so the time to refuse says
    /// nothing about how much of the hash matched.
    /// </summary>
    public static bool Matches(string secret, string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(secret)), Encoding.ASCII.GetBytes(stored));
    }
}
