using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Berth.Server.Security;

/// <summary>HTTPS on one of the server's Kestrel endpoints, with the server certificate and the CA's client certificates.</summary>
public static class KestrelTls
{
    /// <summary>
    /// Turns on HTTPS for <paramref name="listen"/>. Client certificates are asked for but not required: tokens, the node
    /// join and the public endpoints work without one. A certificate that is sent must chain to the CA (custom trust,
    /// not the system store), or the handshake fails.
    /// </summary>
    public static ListenOptions UseBerthTls(this ListenOptions listen, TlsMaterial material)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(material);
        return listen.UseHttps(https =>
        {
            https.ServerCertificate = material.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            // The cluster's CA publishes no revocation lists; short-lived node certificates take their place.
            https.CheckCertificateRevocation = false;
            https.ClientCertificateValidation = (certificate, _, _) => CertificateTrust.IsIssuedBy(certificate, material.Authority.Certificate);
        });
    }
}
