namespace Berth.Server.Api;

/// <summary>User-visible messages of the agent protocol (<see cref="Agents.AgentOperations"/>), in one place so tests can assert on them.</summary>
public static class AgentMessages
{
    /// <summary>A heartbeat, assignment watch or report from a node that is not registered.</summary>
    public static string RegisterFirst(string node) =>
        $"node {node} is not registered; call Register first (berth agent does so by itself)";

    /// <summary>A body that is not the expected JSON.</summary>
    public static string InvalidBody(string expected, string error) => $"request body must be {expected}: {error}";

    /// <summary>An invalid node name.</summary>
    public static string InvalidNode(string error) => $"invalid node name: {error}";

    /// <summary>An Exited report without its exit code.</summary>
    public const string ExitCodeRequired = "an Exited report needs exitCode";

    /// <summary>Concurrent writes kept winning.</summary>
    public static string TooManyConflicts(string subject, int attempts) =>
        $"replica {subject} changed under this report {attempts} times in a row; nothing was written, report again";

    /// <summary>Event message of a replica its agent reports running.</summary>
    public static string Running(string subject, string node) => $"replica {subject} is running on node {node}";

    /// <summary>A registration whose allocatable amount is not a quantity.</summary>
    public static string InvalidAllocatable(string name, string amount, string error) =>
        $"allocatable {name}={amount} is not a quantity: {error}; give e.g. cpu=4, memory=8Gi";

    /// <summary>A status report whose state is neither running nor exited.</summary>
    public static string InvalidReplicaState(string state) => $"state {state} is not a replica state; report RUNNING or EXITED";

    /// <summary>A heartbeat inventory entry that names no valid replica.</summary>
    public static string InvalidInventory(string workload, int replica, string error) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"inventory.replicas: workload {workload} replica {replica} is not a replica: {error}; send the names from the assignment set");

    /// <summary>A status report batch window out of range.</summary>
    public static string StatusReportBatchWindowOutOfRange(TimeSpan value, TimeSpan max) =>
        $"StatusReportBatchWindow is {value}; it must be above zero and at most {max}, e.g. 00:00:00.020";
}
