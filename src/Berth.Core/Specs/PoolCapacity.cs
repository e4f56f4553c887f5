namespace Berth.Core.Specs;

/// <summary>Limits on a pool's clusters taken together; a null limit is no limit.</summary>
/// <param name="MaxNodes">Most nodes over all its clusters.</param>
/// <param name="MaxCores">Most cores over all its nodes.</param>
/// <param name="MaxMemoryGi">Most memory, in GiB, over all its nodes.</param>
public sealed record PoolCapacity(int? MaxNodes, int? MaxCores, int? MaxMemoryGi)
{
    /// <summary>No limits.</summary>
    public static PoolCapacity Unlimited { get; } = new(null, null, null);
}
