using System.Security.Cryptography;
using System.Text;

namespace Berth.Server.Automation;

/// <summary>How webhook bodies are signed: <c>X-Berth-Signature: sha256=HEX</c>, the lower-case hex HMAC-SHA256 of the body with the secret.</summary>
public static class WebhookSignature
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Berth-Signature";

    /// <summary>The delivery id header.</summary>
    public const string DeliveryHeader = "X-Berth-Delivery";

    /// <summary>The header holding the attempt's Unix time in seconds (also in the signed body).</summary>
    public const string TimestampHeader = "X-Berth-Timestamp";

    /// <summary>The prefix of the header's value, naming the algorithm.</summary>
    public const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/> with <paramref name="secret"/> (compared in constant time).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (header is null)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(header);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
