namespace Berth.Core.Fleet;

/// <summary>Where a fleet cluster is in its life.</summary>
public enum FleetClusterPhase
{
    /// <summary>Its nodes are being started; nothing is placed on it yet.</summary>
    Creating,

    /// <summary>Its nodes are up; it takes placements.</summary>
    Ready,

    /// <summary>Its replicas are being moved elsewhere; it takes no new placements.</summary>
    Draining,

    /// <summary>Its nodes are being stopped; it is removed when they are.</summary>
    Deleting,
}
