namespace Berth.Agent;

/// <summary>The agent's user-visible messages, in one place so tests can assert on them.</summary>
public static class AgentMessages
{
    /// <summary>A server URL that is not absolute http(s).</summary>
    public static string InvalidServer(string value) => $"--server '{value}' is not an http:// or https:// URL; give e.g. http://127.0.0.1:7070";

    /// <summary>An invalid node name.</summary>
    public static string InvalidNodeName(string value, string error) => $"--name '{value}' is not a valid node name: {error}";

    /// <summary>A duration or count that must be positive.</summary>
    public static string NotPositive(string name, string value) => $"{name} must be positive, got {value}";

    /// <summary>A duration option that may be zero but not negative.</summary>
    public static string Negative(string name, string value) => $"{name} must be zero or more, got {value}";

    /// <summary>A capacity override that is not a quantity.</summary>
    public static string InvalidCapacity(string name, string value, string error) =>
        $"--capacity {name}={value} is not a valid quantity: {error}; give e.g. cpu=4,memory=8Gi";

    /// <summary>A key=value list entry without '='.</summary>
    public static string InvalidPair(string option, string entry) => $"{option} entry '{entry}' is not key=value; give e.g. {option} a=1,b=2";

    /// <summary>A replica without containers.</summary>
    public const string NoContainers = "the workload has no containers to run";

    /// <summary>A container without a command.</summary>
    public static string NoCommand(string container) => $"container {container} has no command";

    /// <summary>A process that could not be started.</summary>
    public static string StartFailed(string container, string command, string error) => $"container {container}: cannot start '{command}': {error}";

    /// <summary>Exit code reported when a process could not be started at all (as a shell reports a missing command).</summary>
    public const int StartFailedExitCode = 127;

    /// <summary><c>/v1/info</c> did not name a usable gRPC address.</summary>
    public static string NoGrpcAddress(string server, string? value) =>
        $"the server at {server} answered GET /v1/info without a usable grpcAddress ('{value}'); is it a berth server of this version?";

    /// <summary>The server closed the assignment stream.</summary>
    public const string StreamEnded = "the server ended the assignment stream; connecting again";

    /// <summary>The server could not be reached when the agent started.</summary>
    public static string ServerUnreachable(string server, string reason) =>
        $"cannot reach the berth server at {server} ({reason}); start it first (berth server or berth dev), or pass its REST address with --server, e.g. --server http://127.0.0.1:7070";

    /// <summary>Hollow nodes started without <c>--capacity</c>.</summary>
    public static string SimulateNeedsCapacity(int count) =>
        $"--simulate {count} needs --capacity: hollow nodes have no machine to measure; give e.g. --capacity cpu=4,memory=8Gi,pods=110";

    /// <summary>A zone count hollow nodes cannot spread over.</summary>
    public static string InvalidSimulateZones(int zones) =>
        $"--simulate-zones must be between 0 (no zone label) and 26 (zone-a to zone-z), got {zones}";

    /// <summary><c>--simulate-zones</c> without <c>--simulate</c>.</summary>
    public const string ZonesWithoutSimulate = "--simulate-zones only applies to hollow nodes; add --simulate N";

    /// <summary>Options without any server address.</summary>
    public const string NoServer = "no server address: give --server with at least one URL, e.g. --server http://127.0.0.1:7070";

    /// <summary>A server list (from <paramref name="source"/>) with no address at all.</summary>
    public static string NoServerIn(string source) =>
        $"{source} needs at least one server URL; give e.g. {source} http://127.0.0.1:7070 (several: comma-separated, tried in order)";

    /// <summary>A server list with an empty entry (two commas, or one at either end).</summary>
    public static string EmptyServerEntry(string source, string text) =>
        $"{source} '{text}' has an empty entry; separate the URLs with single commas, e.g. {source} http://10.0.0.1:7070,http://10.0.0.2:7070";

    /// <summary>One entry of a server list that is not an absolute http(s) URL.</summary>
    public static string InvalidServerIn(string source, string value) =>
        $"{source} entry '{value}' is not an http:// or https:// URL; give e.g. {source} http://127.0.0.1:7070";

    /// <summary>A server list that names one address twice.</summary>
    public static string RepeatedServer(string source, string value) =>
        $"{source} lists '{value}' more than once; give each server once";

    /// <summary><c>berth agent</c> without <c>--server</c> and without the environment variable.</summary>
    public static string ServerMissing(string environmentVariable) =>
        $"--server is required (or set {environmentVariable}): give the control plane's URL, e.g. --server http://127.0.0.1:7070, or several comma-separated";
}
