namespace Berth.Server.Fleet;

/// <summary>Where a fleet workload's placement stands.</summary>
public enum FleetDecisionPhase
{
    /// <summary>No placement fits yet; the decision's reason says why. The controller tries again each pass.</summary>
    Pending,

    /// <summary>Its shares are decided and their derived workloads written; their replicas are being placed and started.</summary>
    Placed,
}
