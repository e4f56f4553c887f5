namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/nodes/{name}/cordon|uncordon</c>.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Cordoned">Whether the node is now cordoned (no new replicas are placed on it).</param>
public sealed record NodeCordonResponse(string Node, bool Cordoned);
