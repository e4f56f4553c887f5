namespace Berth.Core.Fleet;

/// <summary>
/// A cluster Berth created in a pool through the pool's provider: a named group of nodes of one node class. Users never
/// create clusters; fleet placement does, and consolidation deletes them.
/// </summary>
/// <param name="Name">The cluster's name: the pool's name and a short random suffix (e.g. <c>us-east-7a3b</c>).</param>
/// <param name="Pool">The pool it belongs to.</param>
/// <param name="Region">The pool's region.</param>
/// <param name="Provider">The provider type that created it.</param>
/// <param name="NodeClass">The node class of its nodes.</param>
/// <param name="Nodes">The names of its nodes; each carries <see cref="FleetLabels.Cluster"/> = <paramref name="Name"/>.</param>
/// <param name="Phase">Where it is in its life.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record FleetCluster(
    string Name,
    string Pool,
    string Region,
    string Provider,
    string NodeClass,
    IReadOnlyList<string> Nodes,
    FleetClusterPhase Phase,
    DateTimeOffset CreatedAt);
