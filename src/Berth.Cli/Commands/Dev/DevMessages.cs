using System.Globalization;

namespace Berth.Cli.Commands.Dev;

/// <summary>What <c>berth dev</c> tells its user, in one place so tests can assert on it.</summary>
public static class DevMessages
{
    /// <summary>The first word of the line printed once everything is Ready; scripts and tests wait for it.</summary>
    public const string ReadyPrefix = "berth dev is ready:";

    /// <summary>A <c>--port</c> out of range.</summary>
    public static string BadPort(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"--port {port} is not a port; use 1 to 65535, or 0 for any free port");

    /// <summary>The API port is taken (often by another berth dev or berth server).</summary>
    public static string PortInUse(int port, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"--port {port} cannot be used ({reason}); stop what holds it, or pass another --port (0 picks a free one)");

    /// <summary>The data directory could not be created.</summary>
    public static string DataDirectoryFailed(string path, string reason) =>
        $"--data '{path}' cannot be created ({reason}); pass a writable directory";

    /// <summary>Where the store lives and what happens to it.</summary>
    public static string DataDirectory(string path, bool removedOnExit) =>
        removedOnExit ? $"berth dev: fresh store in {path} (removed on exit; --keep-data keeps it)" : $"berth dev: store in {path} (kept on exit)";

    /// <summary>An agent could not be started at all.</summary>
    public static string AgentStartFailed(string name, string program, string reason) =>
        $"agent {name} could not be started with '{program}' ({reason})";

    /// <summary>An agent process ended while berth dev was running.</summary>
    public static string AgentExited(string name, int exitCode) =>
        string.Create(CultureInfo.InvariantCulture, $"berth dev: agent {name} exited unexpectedly with code {exitCode} (its lines above say why); node {name} turns NotReady and its replicas move to the other nodes; restart berth dev to get it back");

    /// <summary>The agents were not all Ready in time.</summary>
    public static string NotReadyInTime(TimeSpan timeout, IEnumerable<string> missing) =>
        string.Create(CultureInfo.InvariantCulture, $"agents {string.Join(", ", missing)} were not Ready after {timeout.TotalSeconds:0} s (their lines above say why); stopping");

    /// <summary>An agent ended before all were Ready.</summary>
    public static string AgentExitedBeforeReady(string name, int exitCode) =>
        string.Create(CultureInfo.InvariantCulture, $"agent {name} exited with code {exitCode} before its node was Ready (its lines above say why); stopping");

    /// <summary>The line that says everything is up, starting with <see cref="ReadyPrefix"/>.</summary>
    public static string Ready(Uri api, IEnumerable<string> nodes) =>
        $"{ReadyPrefix} API {api} with nodes {string.Join(", ", nodes)} Ready";

    /// <summary>Where the web dashboard is (served by the server at <c>/</c>).</summary>
    public static string Dashboard(Uri api) => $"Dashboard: {api} (nodes, workloads, pools and live events in a browser)";

    /// <summary>Tells the user to point clients at a port other than the default.</summary>
    public static string ExportAddress(string address) => $"  export BERTH_ADDR={address}";

    /// <summary>Introduces the example commands.</summary>
    public const string TryThese = "Try, from another terminal in the repository:";

    /// <summary>How to stop.</summary>
    public const string HowToStop = "Ctrl+C stops the agents, their replicas and the server.";

    /// <summary>The temporary data directory was removed.</summary>
    public static string DataRemoved(string path) => $"berth dev: stopped; removed {path}";

    /// <summary>The data directory was kept.</summary>
    public static string DataKept(string path) => $"berth dev: stopped; the store is kept in {path} (berth dev --data {path} or berth server --data {path} uses it again)";

    /// <summary>The temporary data directory could not be removed.</summary>
    public static string DataRemoveFailed(string path, string reason) => $"berth dev: stopped; could not remove {path} ({reason}); remove it by hand";
}
