namespace Berth.Core.Specs;

/// <summary>Whether topology spread counts only nodes the replica could be placed on.</summary>
public enum NodeInclusionPolicy
{
    /// <summary>Only nodes that pass the node-affinity (or taint) check are counted.</summary>
    Honor,
    /// <summary>All nodes are counted.</summary>
    Ignore,
}
