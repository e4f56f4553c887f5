namespace Berth.Scheduling.Fleet;

/// <summary>The planner phase that turned a pool down.</summary>
public enum FleetPlanPhase
{
    /// <summary>Phase 1: the pool's labels, compliance, node classes, capacity or budget rule it out.</summary>
    Pools,

    /// <summary>Phase 2: the pool qualified but ranked below the pools chosen, and was not needed.</summary>
    Ranking,

    /// <summary>Phase 3: the pool was tried for a replica but no cluster in it could take one (capacity or budget).</summary>
    Clusters,
}
