namespace Berth.Core.Specs;

/// <summary>What a taint does to replicas that do not tolerate it.</summary>
public enum TaintEffect
{
    /// <summary>New replicas are not placed on the node.</summary>
    NoSchedule,
    /// <summary>The scheduler avoids the node when it can (a scoring penalty).</summary>
    PreferNoSchedule,
    /// <summary>New replicas are not placed, and running ones are evicted.</summary>
    NoExecute,
}
