namespace Berth.Server.Security;

/// <summary>The answer of a node join or renewal: the node's certificate and the CA that issued it.</summary>
/// <param name="Node">The node the certificate is for.</param>
/// <param name="Certificate">The node certificate, PEM (CN <c>system:node:{node}</c>, O <c>system:nodes</c>).</param>
/// <param name="CaCertificate">The CA certificate, PEM: the agent trusts the servers it signed.</param>
/// <param name="NotAfter">When the certificate expires; the agent renews at two thirds of its lifetime.</param>
public sealed record NodeCertificateIssued(string Node, string Certificate, string CaCertificate, DateTimeOffset NotAfter);
