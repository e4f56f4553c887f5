using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;

namespace Berth.Server.State;

/// <summary>
/// The cluster as read from the store at one revision: the stored records with their mod revisions (what a plan
/// compares against) and a <see cref="ClusterSnapshot"/> of it with every assigned replica placed.
/// </summary>
public sealed class ClusterState
{
    internal ClusterState(
        long revision,
        ClusterSnapshot snapshot,
        IReadOnlyDictionary<string, Stored<NodeRecord>> nodes,
        IReadOnlyDictionary<WorkloadKey, Stored<WorkloadSpec>> workloads,
        IReadOnlyList<Stored<Assignment>> assignments,
        IReadOnlyDictionary<string, PlacedReplica> placed)
    {
        Revision = revision;
        Snapshot = snapshot;
        Nodes = nodes;
        Workloads = workloads;
        Assignments = assignments;
        Placed = placed;
    }

    /// <summary>The store revision everything here was read at.</summary>
    public long Revision { get; }

    /// <summary>Nodes in name order, with every assignment that holds resources placed on its node.</summary>
    public ClusterSnapshot Snapshot { get; }

    /// <summary>Nodes by name.</summary>
    public IReadOnlyDictionary<string, Stored<NodeRecord>> Nodes { get; }

    /// <summary>Workloads by key.</summary>
    public IReadOnlyDictionary<WorkloadKey, Stored<WorkloadSpec>> Workloads { get; }

    /// <summary>Every assignment in key order, including ones not placed in the snapshot (see <see cref="Placed"/>).</summary>
    public IReadOnlyList<Stored<Assignment>> Assignments { get; }

    /// <summary>
    /// The snapshot replica of each placed assignment, by assignment key. Assignments that are Failed or Stopped, or
    /// whose node or workload no longer exists, are not placed: they hold nothing, and the reconciler deals with them.
    /// </summary>
    public IReadOnlyDictionary<string, PlacedReplica> Placed { get; }

    /// <summary>The snapshot's replica name for a replica: <c>{workload}-{replica}</c>, as Kubernetes names a StatefulSet's pods.</summary>
    public static string ReplicaName(WorkloadKey workload, int replica) => $"{workload.Name}-{replica}";

    /// <summary>The assignment behind a snapshot replica (for example a preemption victim), or null.</summary>
    public Stored<Assignment>? AssignmentOf(PlacedReplica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        foreach (var (key, placed) in Placed)
        {
            if (ReferenceEquals(placed, replica))
            {
                foreach (var assignment in Assignments)
                {
                    if (assignment.Key == key)
                    {
                        return assignment;
                    }
                }
            }
        }
        return null;
    }
}
