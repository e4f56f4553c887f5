namespace Berth.Agent.Wire;

/// <summary>The body of <c>POST /v1/nodes/{name}/certificate</c>: a signing request for the node's new key.</summary>
internal sealed record WireCertificateRequest(string Csr);
