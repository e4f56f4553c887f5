using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>What a post-filter (preemption) found: the node to use once <see cref="Victims"/> are evicted.</summary>
/// <param name="Details">Plugin-specific explanation data (e.g. preemption candidates), shown with --explain.</param>
public sealed record PostFilterResult(int Node, IReadOnlyList<PlacedReplica> Victims, object? Details);
