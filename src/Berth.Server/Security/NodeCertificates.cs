using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Core.Manifests;
using Berth.Server.Hosting;

namespace Berth.Server.Security;

/// <summary>
/// Issues node certificates: on a join with a bootstrap token (<see cref="JoinAsync"/>) and on a renewal authenticated
/// by the node's current certificate (<see cref="Renew"/>). Certificates are CN <c>system:node:{name}</c>, O
/// <c>system:nodes</c>, valid for <see cref="ServerOptions.NodeCertificateTtl"/>; the key stays with the agent, which
/// sends only a signing request.
/// </summary>
public sealed class NodeCertificates(TlsMaterial? material, BootstrapTokens tokens, ServerOptions options, TimeProvider time)
{
    /// <summary>True when the server has TLS material and can issue certificates.</summary>
    public bool Enabled => material is not null;

    /// <summary>Checks the request, uses up its bootstrap token and issues the node's first certificate.</summary>
    /// <exception cref="NodeCertificateException">TLS is off, the name or signing request is bad, or the token is refused (<see cref="NodeCertificateException.Status"/> says how to answer).</exception>
    public async Task<NodeCertificateIssued> JoinAsync(NodeJoinRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authority = Authority();
        CheckNodeName(request.Node);
        // The request is checked before the token is used up, so a bad request leaves the token for a good one.
        var signingRequest = LoadRequest(request.Csr);
        try
        {
            await tokens.ConsumeAsync(request.Token, request.Node, cancellationToken).ConfigureAwait(false);
        }
        catch (BootstrapTokenException e)
        {
            throw new NodeCertificateException(401, e.Message);
        }
        return Issue(authority, request.Node, signingRequest);
    }

    /// <summary>Issues a new certificate for <paramref name="node"/>, whose caller presented <paramref name="client"/>.</summary>
    /// <exception cref="NodeCertificateException">TLS is off, no or a foreign certificate was presented, or the signing request is bad.</exception>
    public NodeCertificateIssued Renew(string node, NodeCertificateRequest request, X509Certificate2? client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authority = Authority();
        if (client is null)
        {
            throw new NodeCertificateException(401, TlsMessages.RenewalNeedsCertificate(node));
        }
        if (!CertificateTrust.IsIssuedBy(client, authority.Certificate))
        {
            throw new NodeCertificateException(401, TlsMessages.RenewalCertificateInvalid(node));
        }
        var certified = CertificateNames.NodeName(client);
        if (!string.Equals(certified, node, StringComparison.Ordinal))
        {
            throw new NodeCertificateException(403, TlsMessages.RenewalForOtherNode(CertificateNames.CommonName(client), node));
        }
        return Issue(authority, node, LoadRequest(request.Csr));
    }

    private CertificateAuthority Authority() =>
        material?.Authority ?? throw new NodeCertificateException(409, TlsMessages.NoTls);

    private static void CheckNodeName(string? node)
    {
        if (string.IsNullOrEmpty(node) || ManifestNames.ValidateDnsSubdomain(node) is not null)
        {
            throw new NodeCertificateException(400, TlsMessages.BadJoinNode(node ?? "", node is null ? "missing" : ManifestNames.ValidateDnsSubdomain(node) ?? ""));
        }
    }

    private static string LoadRequest(string? csr)
    {
        if (string.IsNullOrWhiteSpace(csr))
        {
            throw new NodeCertificateException(400, TlsMessages.BadCsr("missing"));
        }
        try
        {
            // Parsed here only to refuse a bad one before anything is used up; issuing parses it again.
            _ = CertificateRequest.LoadSigningRequestPem(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
            return csr;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new NodeCertificateException(400, TlsMessages.BadCsr(e.Message));
        }
    }

    private NodeCertificateIssued Issue(CertificateAuthority authority, string node, string csr)
    {
        using var certificate = authority.IssueForRequest(
            csr, CertificateNames.Subject(CertificateNames.NodePrefix + node, CallerIdentity.NodesGroup), options.NodeCertificateTtl, time.GetUtcNow());
        return new NodeCertificateIssued(node, TlsFiles.CertificatePem(certificate), TlsFiles.CertificatePem(authority.Certificate), certificate.NotAfter.ToUniversalTime());
    }
}
