namespace Berth.Agent.Supervision;

/// <summary>The server's state of an assignment, as the agent acts on it.</summary>
public enum DesiredReplicaState
{
    /// <summary>Placed, not yet reported running: start it (again, when it had ended and the server re-armed it).</summary>
    Pending,

    /// <summary>Reported running: keep it running.</summary>
    Running,

    /// <summary>Failed (waiting for a retry, or exhausted): do not run it.</summary>
    Failed,

    /// <summary>Stopped on purpose: stop it.</summary>
    Stopped,

    /// <summary>Completed: do not run it again.</summary>
    Succeeded,
}
