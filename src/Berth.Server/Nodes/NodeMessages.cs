using System.Globalization;

namespace Berth.Server.Nodes;

/// <summary>The node manager's user-visible messages, in one place so tests can assert on them.</summary>
public static class NodeMessages
{
    /// <summary>An option that must be above zero.</summary>
    public static string NotPositive(string key, TimeSpan value) => $"{key} is {value}; it must be above zero, e.g. 00:00:15";

    /// <summary>A check interval not below both graces.</summary>
    public static string CheckIntervalOutOfRange(string key, TimeSpan value, TimeSpan heartbeatGrace, TimeSpan lostGrace) =>
        $"{key} is {value}; it must be above zero and below both graces ({heartbeatGrace} and {lostGrace}), or nodes are declared late";

    /// <summary>An attempt count below one.</summary>
    public static string AttemptsOutOfRange(string key, int value) => $"{key} is {value}; it must be 1 or more";

    /// <summary>An operation that kept losing to concurrent writes.</summary>
    public static string TooManyConflicts(string node, int attempts) =>
        $"node '{node}' kept changing while it was updated; gave up after {attempts} attempts, try again";

    /// <summary>Event message for a registration.</summary>
    public static string Registered(string node, bool cordoned) =>
        cordoned ? $"node {node} registered and is Ready; it stays cordoned" : $"node {node} registered and is Ready";

    /// <summary>Event message for a node that missed its heartbeat grace.</summary>
    public static string NotReady(string node, TimeSpan silence, TimeSpan grace) =>
        $"node {node} turned NotReady: no heartbeat for {Seconds(silence)} (grace {Seconds(grace)})";

    /// <summary>Event message for a NotReady node that heartbeated again.</summary>
    public static string Ready(string node) => $"node {node} heartbeated again and is Ready";

    /// <summary>Event message for a lost node.</summary>
    public static string Lost(string node, TimeSpan silence, IReadOnlyList<string> released) =>
        released.Count == 0
            ? $"node {node} lost: no heartbeat for {Seconds(silence)}; it held no replicas"
            : $"node {node} lost: no heartbeat for {Seconds(silence)}; released {released.Count} replica(s) to be placed elsewhere: {string.Join(", ", released)}";

    /// <summary>Event message for a cordon.</summary>
    public static string Cordoned(string node) => $"node {node} cordoned: no new replicas are placed on it";

    /// <summary>Event message for an uncordon.</summary>
    public static string Uncordoned(string node) => $"node {node} uncordoned: replicas may be placed on it again";

    /// <summary>Why a replica was released from a lost node.</summary>
    public static string ReleasedLost(string replica, string node) => $"replica {replica} released from node {node}: the node is lost; it will be placed elsewhere";

    /// <summary>Why a replica was released from a draining node.</summary>
    public static string ReleasedDrain(string replica, string node) => $"replica {replica} released from node {node}: the node is being drained; it will be placed elsewhere";

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");

    /// <summary>A heartbeat batch window not above zero or not below the heartbeat grace.</summary>
    public static string BatchWindowOutOfRange(string key, TimeSpan value, TimeSpan heartbeatGrace) =>
        $"{key} is {value}; it must be above zero and well below the heartbeat grace ({heartbeatGrace}), e.g. 00:00:00.100";

    /// <summary>A heartbeat batch size out of range.</summary>
    public static string BatchSizeOutOfRange(string key, int value, int max) =>
        $"{key} is {value}; it must be between 1 and {max} (two reads per node keep a batch within etcd's 128 operations per transaction)";
}
