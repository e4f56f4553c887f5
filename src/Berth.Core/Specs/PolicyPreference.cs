namespace Berth.Core.Specs;

/// <summary>A weighted preference among candidate pools: sort them by a measure, in an order.</summary>
/// <param name="Weight">The preference's weight relative to the others (1–100).</param>
/// <param name="SortBy">What pools are compared by.</param>
/// <param name="Order">Which end of the order is preferred.</param>
public sealed record PolicyPreference(int Weight, PoolSortKey SortBy, SortOrder Order);
