using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Security;

/// <summary>
/// The cluster's certificate authority: a self-signed CA certificate with its key, which issues the server, admin and
/// node certificates. Keys are ECDSA P-256 and signatures SHA-256 throughout: small, fast, and accepted by every TLS
/// stack the agents and clients use.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>The common name of the CA <c>berth tls init</c> creates.</summary>
    public const string DefaultName = "berth-ca";

    /// <summary>Certificates start this much before they are issued, so a peer whose clock is a little behind accepts them.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new CA valid for <paramref name="validity"/> from <paramref name="now"/>.</summary>
    public static CertificateAuthority Create(string commonName, TimeSpan validity, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var created = request.CreateSelfSigned(now - ClockSkew, now + validity);
        return new CertificateAuthority(Persist(created));
    }

    /// <summary>Loads a CA from its PEM certificate and PEM private key.</summary>
    /// <exception cref="CryptographicException">A file is not a PEM certificate or key, or they do not match.</exception>
    public static CertificateAuthority Load(string certificatePath, string keyPath)
    {
        using var loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return new CertificateAuthority(Persist(loaded));
    }

    /// <summary>
    /// Issues a leaf certificate for <paramref name="publicKey"/>: server and client authentication, the given subject
    /// alternative names, valid from now (less <see cref="ClockSkew"/>) for <paramref name="lifetime"/>, never past the CA.
    /// </summary>
    public X509Certificate2 Issue(X500DistinguishedName subject, PublicKey publicKey, TimeSpan lifetime, DateTimeOffset now,
        IReadOnlyCollection<string>? dnsNames = null, IReadOnlyCollection<IPAddress>? addresses = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(publicKey);
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (dnsNames is { Count: > 0 } || addresses is { Count: > 0 })
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames ?? [])
            {
                names.AddDnsName(name);
            }
            foreach (var address in addresses ?? [])
            {
                names.AddIpAddress(address);
            }
            request.CertificateExtensions.Add(names.Build());
        }
        // Short lifetimes (node certificates in tests) are backdated less, so most of the lifetime lies ahead.
        var skew = lifetime < ClockSkew * 4 ? lifetime / 4 : ClockSkew;
        var notBefore = now - skew;
        var notAfter = now + lifetime;
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }
        return request.Create(Certificate, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>Issues a leaf certificate with a new key pair (<see cref="Issue"/>); the certificate carries the key.</summary>
    public X509Certificate2 IssueWithKey(X500DistinguishedName subject, TimeSpan lifetime, DateTimeOffset now,
        IReadOnlyCollection<string>? dnsNames = null, IReadOnlyCollection<IPAddress>? addresses = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = Issue(subject, new PublicKey(key), lifetime, now, dnsNames, addresses);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Issues a certificate for the key of a PKCS#10 signing request (PEM), under <paramref name="subject"/>: whatever
    /// subject or extensions the request asks for are ignored, only its key (proved by its signature) is used.
    /// </summary>
    /// <exception cref="CryptographicException">The text is not a PEM signing request, or its signature does not verify.</exception>
    public X509Certificate2 IssueForRequest(string requestPem, X500DistinguishedName subject, TimeSpan lifetime, DateTimeOffset now)
    {
        var request = CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        return Issue(subject, request.PublicKey, lifetime, now);
    }

    /// <summary>Releases the CA's key.</summary>
    public void Dispose() => Certificate.Dispose();

    // Certificates made in memory carry an ephemeral key some TLS stacks refuse to use; a PKCS#12 round trip gives a
    // regular one.
    internal static X509Certificate2 Persist(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
