namespace Berth.Core.Specs;

/// <summary>Whether a replica may evict lower-priority replicas to make room.</summary>
public enum PreemptionPolicy
{
    /// <summary>May preempt lower-priority replicas (the default).</summary>
    PreemptLowerPriority,
    /// <summary>Never preempts; waits instead.</summary>
    Never,
}
