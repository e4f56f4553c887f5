using System.Globalization;
using Berth.Core.Specs;

namespace Berth.Server.Retries;

/// <summary>The retry engine's user-visible messages, in one place so tests can assert on them.</summary>
public static class RetryMessages
{
    /// <summary>An option that must be above zero.</summary>
    public static string NotPositive(string key, TimeSpan value) => $"{key} is {value}; it must be above zero, e.g. 00:00:01";

    /// <summary>An attempt count below one.</summary>
    public static string AttemptsOutOfRange(string key, int value) => $"{key} is {value}; it must be 1 or more";

    /// <summary>An operation that kept losing to concurrent writes.</summary>
    public static string TooManyConflicts(string replica, int attempts) =>
        $"replica '{replica}' kept changing while its exit was recorded; gave up after {attempts} attempts, report it again";

    /// <summary>What a failure reported, as stored in <see cref="State.RetryState.LastError"/>.</summary>
    public static string ExitError(int exitCode, string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}")
            : string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}: {reason}");

    /// <summary>Event message for a scheduled retry.</summary>
    public static string RetryTriggered(string replica, string error, int attempt, int maxAttempts, TimeSpan delay, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica} failed ({error}); retry {attempt} of {maxAttempts - 1} in {Seconds(delay)}, at {at:O}");

    /// <summary>Event message for a replica whose attempts are used up.</summary>
    public static string Exhausted(string replica, string error, int attempts) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica} failed ({error}) after {attempts} attempt(s), the workload's retry.maxAttempts; it is not retried: fix the cause and re-apply the workload to try again");

    /// <summary>Event message for a failed replica whose restart policy is Never.</summary>
    public static string FailedNoRestart(string replica, string error) =>
        $"replica {replica} failed ({error}); restartPolicy is {RestartPolicy.Never}, so it is not retried: re-apply the workload to run it again";

    /// <summary>Event message for a replica that completed.</summary>
    public static string Succeeded(string replica, RestartPolicy policy) =>
        $"replica {replica} exited with code 0 and completed; restartPolicy {policy} does not restart it";

    /// <summary>Event message for a retry started on the same node.</summary>
    public static string RestartedInPlace(string replica, int attempt, string node) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica}: retry {attempt} starts again on node {node}");

    /// <summary>Event message for a retry released to be placed on another node.</summary>
    public static string RestartedElsewhere(string replica, int attempt, string node, string why) =>
        string.Create(CultureInfo.InvariantCulture, $"replica {replica}: retry {attempt} released from node {node} ({why}); it will be placed elsewhere");

    /// <summary>Why a retry cannot restart on its node: the node is gone.</summary>
    public const string NodeGone = "the node is no longer registered";

    /// <summary>Why a retry cannot restart on its node: it is NotReady.</summary>
    public const string NodeNotReady = "the node is NotReady";

    /// <summary>Why a retry cannot restart on its node: its room was taken during the backoff.</summary>
    public static string NodeFull(string resource) => $"the node no longer has room for its {resource}";

    /// <summary>Why a retry cannot restart on its node: its GPU devices were taken during the backoff.</summary>
    public const string DevicesTaken = "its GPU devices were given to another replica";

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");
}
