namespace Berth.Server.State;

/// <summary>Where an assigned replica is in its life.</summary>
public enum AssignmentState
{
    /// <summary>Placed; the agent has not yet reported it running.</summary>
    Pending,

    /// <summary>The agent reports it running.</summary>
    Running,

    /// <summary>It failed and retries are exhausted (or the restart policy says not to retry).</summary>
    Failed,

    /// <summary>Stopped on purpose (desired state Stopped, or evicted).</summary>
    Stopped,

    /// <summary>Its processes exited successfully and the restart policy does not start them again: done, not to be placed again.</summary>
    Succeeded,
}
