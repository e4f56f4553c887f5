using System.Globalization;
using Berth.Server.State;

namespace Berth.Server.Reconciliation;

/// <summary>The reconciler's user-visible messages (events, record fields, option errors), in one place so tests can assert on them.</summary>
public static class ReconcilerMessages
{
    /// <summary>An option that must be above zero.</summary>
    public static string NotPositive(string key, TimeSpan value) => $"{key} is {value}; it must be above zero, e.g. 00:00:05";

    /// <summary>A count below one.</summary>
    public static string AtLeastOne(string key, int value) => string.Create(CultureInfo.InvariantCulture, $"{key} is {value}; it must be 1 or more");

    /// <summary>A backoff cap below its start.</summary>
    public static string BackoffMaxBelowInitial(string key, TimeSpan max, TimeSpan initial) =>
        $"{key} is {max}; it must be at least Reconciler:BackoffInitial ({initial})";

    /// <summary>Record field: what an assignment looks like.</summary>
    public static string Assigned(AssignmentState state, string node, long revision) =>
        string.Create(CultureInfo.InvariantCulture, $"{state} on {node} (revision {revision})");

    /// <summary>Record field: a failed replica whose retry backoff ran out.</summary>
    public static string BackoffOver(string node) => $"Failed on {node}, backoff over";

    /// <summary>Record field: a replica with no assignment.</summary>
    public const string Unassigned = "no assignment";

    /// <summary>Record field: a workload that no longer exists.</summary>
    public const string Gone = "deleted";

    /// <summary>Record field: what the workload wants.</summary>
    public static string Wants(Berth.Core.Specs.WorkloadSpec spec, long revision) =>
        string.Create(CultureInfo.InvariantCulture, $"{spec.DesiredState}, {spec.Replicas} replicas (revision {revision})");

    /// <summary>Record field: what a deleted workload left behind.</summary>
    public static string Leftovers(int retries, bool rollout) =>
        string.Create(CultureInfo.InvariantCulture, $"{retries} retry states{(rollout ? ", a rollout" : "")} left");

    /// <summary>Event message: a Pending assignment released because it never started.</summary>
    public static string PendingTooLong(string replica, string node, TimeSpan timeout) =>
        $"replica {replica} was not reported running on node {node} within {timeout}; released to be placed again";

    /// <summary>Event message: a Running assignment released because its node's agent does not hold it.</summary>
    public static string MissingFromNode(string replica, string node, TimeSpan grace) =>
        $"replica {replica} is Running in the store but node {node} has not reported running it for {grace}; released to be started again";

    /// <summary>Record detail: a replica released from a lost node.</summary>
    public static string ReleasedFromLost(IReadOnlyList<string> lostNodes) => $"released from lost node {string.Join(", ", lostNodes)}";

    /// <summary>Record detail: a release the node manager did not make (the node was not lost when it looked again).</summary>
    public const string NotReleased = "the node manager did not release it";

    /// <summary>Record detail: a retry restart.</summary>
    public static string Restarted(int attempt, string node, Retries.RestartKind kind) =>
        string.Create(CultureInfo.InvariantCulture, $"retry {attempt}: {(kind == Retries.RestartKind.InPlace ? "pending again on " + node : "released from " + node + " to be placed elsewhere")}");

    /// <summary>Event message: a rollout started.</summary>
    public static string RolloutStarted(WorkloadKey workload, long revision, int outdated) =>
        string.Create(CultureInfo.InvariantCulture, $"workload {workload} changed (revision {revision}); replacing {outdated} replicas one at a time, keeping all others running; retry counts reset");

    /// <summary>Event message: a rollout completed.</summary>
    public static string RolloutCompleted(WorkloadKey workload, long revision) =>
        string.Create(CultureInfo.InvariantCulture, $"workload {workload}: every replica runs revision {revision}");

    /// <summary>Event message: a replica of an older revision taken down to be replaced.</summary>
    public static string Replaced(string replica, string node, long from, long to) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica} on node {node} runs revision {from}; taken down to be placed with revision {to}");

    /// <summary>A worker pool started twice.</summary>
    public const string QueueStarted = "the reconcile queue is already started; start it once";

    /// <summary>Record detail: a write that lost to a concurrent one.</summary>
    public const string Raced = "the state changed while this was written; it is decided again on the next pass";

    /// <summary>Record detail: an action that threw.</summary>
    public static string Threw(string message) => $"failed: {message}";
}
