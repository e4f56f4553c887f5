using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>
/// What a post-filter (preemption) found: the node to use once <see cref="Victims"/> are evicted, or (<see cref="Node"/>
/// -1) that nothing helps, with <see cref="Message"/> saying why in Kubernetes' words.
/// </summary>
/// <param name="Details">Plugin-specific explanation data (e.g. preemption candidates), shown with --explain.</param>
/// <param name="Message">Why no node was found, e.g. <c>0/3 nodes are available: 3 No preemption victims found for incoming pod.</c></param>
public sealed record PostFilterResult(int Node, IReadOnlyList<PlacedReplica> Victims, object? Details, string? Message = null)
{
    /// <summary>Nothing helps; <paramref name="message"/> says why.</summary>
    public static PostFilterResult Nothing(string message) => new(-1, [], null, message);

    /// <summary>True when a node was found.</summary>
    public bool Found => Node >= 0;
}
