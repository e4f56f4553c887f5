namespace Berth.Core.Specs;

/// <summary>A measure candidate pools are ranked by.</summary>
public enum PoolSortKey
{
    /// <summary>The hourly cost of the placement in the pool (<c>cost</c>).</summary>
    Cost,

    /// <summary>The capacity the pool has left, in cores (<c>availableCapacity</c>).</summary>
    AvailableCapacity,
}
