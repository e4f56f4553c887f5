namespace Berth.Server.Security;

/// <summary>The body of <c>POST /v1/nodes/{name}/certificate</c>: a node renews its certificate (authenticated by the current one).</summary>
/// <param name="Csr">A PKCS#10 certificate signing request (PEM) for the node's new key.</param>
public sealed record NodeCertificateRequest(string Csr);
