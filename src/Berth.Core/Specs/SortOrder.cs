namespace Berth.Core.Specs;

/// <summary>Which end of an order is preferred.</summary>
public enum SortOrder
{
    /// <summary>Smaller first (<c>ascending</c>).</summary>
    Ascending,

    /// <summary>Larger first (<c>descending</c>).</summary>
    Descending,
}
