using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Security;

/// <summary>
/// The files of a TLS directory (<c>berth tls init --dir</c>, <c>berth server --tls-dir</c>): the CA, the server's
/// certificate and the operator's admin client certificate, each a PEM certificate and a PEM key (PKCS#8) readable by
/// the owner only.
/// </summary>
public static class TlsFiles
{
    /// <summary>The CA certificate: agents and clients trust it (<c>--ca-cert</c>).</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>The CA key: the server signs node certificates with it. Keep it on the servers only.</summary>
    public const string CaKey = "ca.key";

    /// <summary>The server certificate (HTTPS on both ports, and the client certificate towards a parent region).</summary>
    public const string ServerCertificate = "server.crt";

    /// <summary>The server key.</summary>
    public const string ServerKey = "server.key";

    /// <summary>The admin client certificate (<c>--client-cert</c>).</summary>
    public const string AdminCertificate = "admin.crt";

    /// <summary>The admin client key (<c>--client-key</c>).</summary>
    public const string AdminKey = "admin.key";

    /// <summary>The files <c>berth tls init</c> writes, in the order it writes them.</summary>
    public static IReadOnlyList<string> All { get; } = [CaCertificate, CaKey, ServerCertificate, ServerKey, AdminCertificate, AdminKey];

    /// <summary>Who may read a key file: its owner (0600).</summary>
    public const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Who may read a certificate file: anyone (0644), certificates are public.</summary>
    public const UnixFileMode CertificateMode = KeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The certificate as PEM.</summary>
    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The certificate's private key as PKCS#8 PEM.</summary>
    /// <exception cref="InvalidOperationException">The certificate has no private key.</exception>
    public static string KeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        AsymmetricAlgorithm key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm
            ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("the certificate has no private key");
        using (key)
        {
            return key.ExportPkcs8PrivateKeyPem() + "\n";
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> to a new file created with <paramref name="mode"/> (never readable by others for a
    /// moment, as a chmod after the write would be), replacing an existing file only when <paramref name="replace"/>.
    /// </summary>
    /// <exception cref="IOException">The file exists and <paramref name="replace"/> is false, or it cannot be written.</exception>
    public static void Write(string path, string text, UnixFileMode mode, bool replace)
    {
        if (replace && File.Exists(path))
        {
            File.Delete(path);
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
