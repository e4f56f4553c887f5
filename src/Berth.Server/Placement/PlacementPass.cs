using Berth.Server.State;

namespace Berth.Server.Placement;

/// <summary>What one <see cref="WorkloadPlacer"/> pass did for one workload, as data.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Replicas">Per replica that needed something: what happened, in replica order. Replicas already in place are not listed.</param>
/// <param name="StaleRetries">How many times the pass planned again because the state moved.</param>
/// <param name="Revision">The store revision of the last state the pass read.</param>
public sealed record PlacementPass(WorkloadKey Workload, IReadOnlyList<ReplicaOutcome> Replicas, int StaleRetries, long Revision)
{
    /// <summary>The replicas with the given outcome, in replica order.</summary>
    public IReadOnlyList<ReplicaOutcome> Where(ReplicaOutcomeKind kind)
    {
        var result = new List<ReplicaOutcome>();
        foreach (var replica in Replicas)
        {
            if (replica.Kind == kind)
            {
                result.Add(replica);
            }
        }
        return result;
    }

    /// <summary>True when the pass gave up on some replica because the state kept moving.</summary>
    public bool GaveUp
    {
        get
        {
            foreach (var replica in Replicas)
            {
                if (replica.Kind == ReplicaOutcomeKind.StaleGaveUp)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
