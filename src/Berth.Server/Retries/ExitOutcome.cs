namespace Berth.Server.Retries;

/// <summary>What <see cref="RetryEngine.ReportExitAsync"/> decided about an exited replica.</summary>
public enum ExitOutcome
{
    /// <summary>A restart is due: the assignment is Failed and a retry is scheduled after the backoff delay (<see cref="State.ClusterEventType.RetryTriggered"/>).</summary>
    RetryScheduled,

    /// <summary>No restart: the replica failed and either its attempts are used up or its restart policy is Never (<see cref="State.ClusterEventType.WorkloadFailed"/>).</summary>
    Failed,

    /// <summary>No restart: the processes exited with 0 and the restart policy is OnFailure or Never; the assignment is Stopped (<see cref="State.ClusterEventType.ReplicaSucceeded"/>).</summary>
    Succeeded,

    /// <summary>The replica had already ended (its assignment is Failed or Stopped): a repeated report, nothing was written.</summary>
    AlreadyEnded,

    /// <summary>No such workload or assignment: the report is stale (the replica was removed or moved), nothing was written.</summary>
    UnknownReplica,
}
