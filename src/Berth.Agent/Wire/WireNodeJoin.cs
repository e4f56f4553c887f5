namespace Berth.Agent.Wire;

/// <summary>The body of <c>POST /v1/nodes/join</c>: the bootstrap token, the node's name and a signing request for its key.</summary>
internal sealed record WireNodeJoin(string Token, string Node, string Csr);
