namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/nodes/{name}/drain</c>: one drain step (<see cref="Nodes.NodeManager.DrainAsync"/>); repeat until <see cref="Complete"/>.</summary>
/// <param name="Node">The node drained (it is cordoned now).</param>
/// <param name="Released">Replicas (<c>namespace/name/replica</c>) released by this step, at most one per workload; the placer places them elsewhere.</param>
/// <param name="Remaining">Replicas still holding room on the node.</param>
/// <param name="Blocked">Of <paramref name="Remaining"/>, those held back until their workload's released replica is placed again.</param>
/// <param name="Complete">True when nothing holds room on the node any more.</param>
public sealed record DrainResponse(string Node, IReadOnlyList<string> Released, IReadOnlyList<string> Remaining, IReadOnlyList<string> Blocked, bool Complete);
