namespace Berth.Server.Security;

/// <summary>The body of <c>POST /v1/nodes/join</c>: a new node asks for its certificate.</summary>
/// <param name="Token">A bootstrap token (<c>berth node bootstrap-token create</c>); it is used up by this join.</param>
/// <param name="Node">The node's name, which its certificate will carry.</param>
/// <param name="Csr">A PKCS#10 certificate signing request (PEM) for a key the agent made and keeps.</param>
public sealed record NodeJoinRequest(string Token, string Node, string Csr);
