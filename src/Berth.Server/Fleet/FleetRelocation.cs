using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>Where a fleet workload placed again (some pools left out) should run: the plan, and its shares with the clusters provided for them.</summary>
/// <param name="Plan">The plan; its rejections include the pools left out, with why.</param>
/// <param name="Shares">The target shares, clusters created or grown already; empty when the plan did not place the workload.</param>
public sealed record FleetRelocation(FleetPlan Plan, IReadOnlyList<FleetDecisionShare> Shares)
{
    /// <summary>True when the workload can move: the plan placed it.</summary>
    public bool Placed => Plan.Placed && Shares.Count > 0;

    /// <summary>The target shares as cluster → replicas, for <see cref="FleetMigration.RunAsync"/>.</summary>
    public IReadOnlyDictionary<string, int> Target()
    {
        var target = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var share in Shares)
        {
            target[share.Cluster] = target.GetValueOrDefault(share.Cluster) + share.Replicas;
        }
        return target;
    }
}
