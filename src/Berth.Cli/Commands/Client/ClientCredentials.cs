using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Cli.Commands.Client;

/// <summary>
/// How the CLI proves who it is to a server and checks the server: a bearer token (<c>--token</c>, else
/// <c>BERTH_TOKEN</c>), the CA that signed the server's certificate (<c>--ca-cert</c>, else <c>BERTH_CA_CERT</c>), and a
/// client certificate with its key (<c>--client-cert</c>/<c>--client-key</c>, else <c>BERTH_CLIENT_CERT</c>/<c>BERTH_CLIENT_KEY</c>).
/// </summary>
public sealed record ClientCredentials
{
    /// <summary>The environment variable with the bearer token.</summary>
    public const string TokenVariable = "BERTH_TOKEN";

    /// <summary>The environment variable with the CA certificate file.</summary>
    public const string CaCertificateVariable = "BERTH_CA_CERT";

    /// <summary>The environment variable with the client certificate file.</summary>
    public const string ClientCertificateVariable = "BERTH_CLIENT_CERT";

    /// <summary>The environment variable with the client certificate's key file.</summary>
    public const string ClientKeyVariable = "BERTH_CLIENT_KEY";

    /// <summary>No credentials: anonymous, and the server's certificate checked against the system's trust store.</summary>
    public static ClientCredentials None { get; } = new();

    /// <summary>The bearer token sent as <c>Authorization: Bearer</c>, or null.</summary>
    public string? Token { get; init; }

    /// <summary>A PEM file of the CA (or CAs) the server's certificate must chain to instead of the system's trust store, or null.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>A PEM client certificate presented to the server, or null.</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="ClientCertificatePath"/>; null when the certificate file holds the key too.</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>Resolves each credential from its flag, else its environment variable, and checks that they fit together.</summary>
    /// <exception cref="ClientException">A token with white space, or a key without a certificate (exit 2); the message names the flag.</exception>
    public static ClientCredentials Resolve(string? token, string? caCertificate, string? clientCertificate, string? clientKey, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var (tokenValue, tokenSource) = Pick(token, "--token", TokenVariable, environment);
        if (tokenValue is not null && tokenValue.Any(char.IsWhiteSpace))
        {
            throw new ClientException(ClientMessages.TokenHasWhiteSpace(tokenSource), Program.UsageError);
        }
        var (certificate, _) = Pick(clientCertificate, "--client-cert", ClientCertificateVariable, environment);
        var (key, keySource) = Pick(clientKey, "--client-key", ClientKeyVariable, environment);
        if (key is not null && certificate is null)
        {
            throw new ClientException(ClientMessages.KeyWithoutCertificate(keySource), Program.UsageError);
        }
        return new ClientCredentials
        {
            Token = tokenValue,
            CaCertificatePath = Pick(caCertificate, "--ca-cert", CaCertificateVariable, environment).Value,
            ClientCertificatePath = certificate,
            ClientKeyPath = key,
        };
    }

    /// <summary>
    /// An HTTP handler that trusts <see cref="CaCertificatePath"/> (when set) and presents the client certificate (when set).
    /// </summary>
    /// <exception cref="ClientException">A certificate or key file is missing or unreadable (exit 2); the message names the flag and the file.</exception>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler();
        if (CaCertificatePath is not null)
        {
            var authorities = Load(CaCertificatePath, "--ca-cert", path =>
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(path);
                return collection.Count > 0 ? collection : throw new CryptographicException(ClientMessages.NoCertificateInFile);
            });
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(authorities, certificate, errors);
        }
        if (ClientCertificatePath is not null)
        {
            var certificate = Load(ClientCertificatePath, "--client-cert", path => X509Certificate2.CreateFromPemFile(path, ClientKeyPath));
            handler.SslOptions.ClientCertificates = [certificate];
        }
        return handler;
    }

    // The server's certificate must name the host asked for and chain to one of the given CAs, not to the system's roots:
    // a Berth CA is private to its cluster.
    private static bool TrustedBy(X509Certificate2Collection authorities, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A private CA publishes no revocation lists; its certificates are short-lived instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(certificate);
    }

    private static T Load<T>(string path, string flag, Func<string, T> load)
    {
        if (!File.Exists(path))
        {
            throw new ClientException(ClientMessages.CredentialFileMissing(flag, path), Program.UsageError);
        }
        try
        {
            return load(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ClientException(ClientMessages.CredentialFileUnreadable(flag, path, e.Message), Program.UsageError, e);
        }
    }

    private static (string? Value, string Source) Pick(string? flag, string flagName, string variable, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return (flag.Trim(), flagName);
        }
        var fromEnvironment = environment(variable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? (null, flagName) : (fromEnvironment.Trim(), variable);
    }
}
