namespace Berth.Core.Specs;

/// <summary>A node figure a rule compares against a threshold.</summary>
public enum NodeMetric
{
    /// <summary>CPU requested by the replicas placed on the node, as a percentage of its allocatable CPU.</summary>
    Cpu,

    /// <summary>Memory requested by the replicas placed on the node, as a percentage of its allocatable memory.</summary>
    Memory,
}
