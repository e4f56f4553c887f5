using Berth.Core.Fleet;

namespace Berth.Server.Api;

/// <summary>One fleet cluster as <c>GET /v1/fleet/clusters</c> shows it: its record and how many of its nodes are Ready.</summary>
/// <param name="Name">The cluster's name.</param>
/// <param name="Pool">The pool it belongs to.</param>
/// <param name="Region">The pool's region.</param>
/// <param name="Provider">The provider type that created it.</param>
/// <param name="NodeClass">The node class of its nodes.</param>
/// <param name="Phase">Where it is in its life.</param>
/// <param name="Nodes">Its nodes' names.</param>
/// <param name="ReadyNodes">How many of them are registered and Ready now.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record FleetClusterView(
    string Name,
    string Pool,
    string Region,
    string Provider,
    string NodeClass,
    FleetClusterPhase Phase,
    IReadOnlyList<string> Nodes,
    int ReadyNodes,
    DateTimeOffset CreatedAt);
