namespace Berth.Server.Nodes;

/// <summary>What one <see cref="NodeManager.CheckAsync"/> changed.</summary>
/// <param name="NotReady">Nodes that turned NotReady.</param>
/// <param name="Lost">Nodes declared lost.</param>
/// <param name="Released">Replicas (<c>namespace/name/replica</c>) whose assignments were released from lost nodes.</param>
/// <param name="Conflicts">Nodes left for the next check because concurrent writes kept winning.</param>
public sealed record NodeCheckResult(
    IReadOnlyList<string> NotReady,
    IReadOnlyList<string> Lost,
    IReadOnlyList<string> Released,
    IReadOnlyList<string> Conflicts);
