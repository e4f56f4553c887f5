using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Security;

/// <summary>
/// Chain checks against the cluster's own CA only (custom root trust): the system's trust store plays no part, so a
/// certificate from any public CA is refused and the cluster's CA needs installing nowhere.
/// </summary>
public static class CertificateTrust
{
    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="authority"/> and is valid now.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authority);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // The cluster's CA publishes no revocation lists: short-lived node certificates take their place.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }

    /// <summary>
    /// A TLS client's check of the server: the server's certificate chains to <paramref name="authority"/> and names the
    /// host the client asked for (a name mismatch is refused; untrusted-root errors are judged by the custom chain).
    /// </summary>
    public static RemoteCertificateValidationCallback ServerValidator(X509Certificate2 authority) =>
        (_, certificate, _, errors) =>
            certificate is not null
            && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
            && IsIssuedBy(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), authority);
}
