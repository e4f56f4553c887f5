namespace Berth.Cli.Commands.Dev;

/// <summary>Settings of <c>berth dev</c>.</summary>
public sealed record DevOptions
{
    /// <summary>The default <c>--port</c>: the port clients try when nothing else names a server.</summary>
    public const int DefaultPort = 7070;

    /// <summary>
    /// The agents' explicit capacity: small enough that placement decisions show (a few replicas fill a node), the
    /// same on every node so spreading over zones is what decides, and independent of the machine berth dev runs on.
    /// </summary>
    public const string AgentCapacity = "cpu=2,memory=2Gi,pods=10";

    /// <summary>The zones of the three agents, one each, in order.</summary>
    public static readonly IReadOnlyList<string> Zones = ["zone-a", "zone-b", "zone-c"];

    /// <summary><c>--port</c>: the API port on 127.0.0.1; 0 picks a free one. Default <see cref="DefaultPort"/>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary><c>--data</c>: the data directory to use and keep; null makes a fresh temporary one.</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>--keep-data</c>: keep the temporary data directory on exit (it is removed otherwise).</summary>
    public bool KeepData { get; init; }

    /// <summary>How long to wait for the three agents to register and turn Ready. Default 60 s: a cold start of three processes on a busy machine.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The name of agent <paramref name="index"/> (from 0): <c>dev-1</c>, <c>dev-2</c>, <c>dev-3</c>.</summary>
    public static string AgentName(int index) => $"dev-{index + 1}";
}
