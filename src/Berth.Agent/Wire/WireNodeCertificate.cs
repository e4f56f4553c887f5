namespace Berth.Agent.Wire;

/// <summary>The server's answer to a join or renewal: the node certificate and the CA, PEM.</summary>
internal sealed record WireNodeCertificate(string Node, string Certificate, string CaCertificate, DateTimeOffset NotAfter);
