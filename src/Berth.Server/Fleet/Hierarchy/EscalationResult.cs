namespace Berth.Server.Fleet.Hierarchy;

/// <summary>What the hierarchy did with a fleet workload that found no pool on this control plane.</summary>
public enum EscalationResult
{
    /// <summary>Nothing: a root, or a workload its parent delegated here (escalating it back could loop).</summary>
    None,

    /// <summary>Handed to the parent, which places it with its wider view.</summary>
    Escalated,

    /// <summary>The parent is unreachable; the workload waits and is evaluated again when the parent answers.</summary>
    Waiting,

    /// <summary>The parent is unreachable and the workload needs regions this region does not know: refused with a clear error until the parent answers.</summary>
    Refused,
}
