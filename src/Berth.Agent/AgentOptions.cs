namespace Berth.Agent;

/// <summary>How one node agent runs (<c>berth agent</c>). Validate with <see cref="Validate"/> before starting.</summary>
public sealed record AgentOptions
{
    /// <summary><c>--server</c>: the control plane's base URL, e.g. <c>http://127.0.0.1:7070/</c>. Required.</summary>
    public required Uri Server { get; init; }

    /// <summary><c>--name</c>: the node name, a DNS-1123 subdomain. Required.</summary>
    public required string NodeName { get; init; }

    /// <summary><c>--labels</c>: the node's labels. Default none.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>--capacity</c>: resources that replace what <see cref="MachineCapacity.Detect"/> measures, by name
    /// (<c>cpu</c>, <c>memory</c>, <c>pods</c> ...), as quantity strings. Default none: the machine's own.
    /// </summary>
    public IReadOnlyDictionary<string, string> CapacityOverride { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// How often the agent heartbeats. Default 2 s: well inside the server's default heartbeat grace, so one lost beat
    /// does not turn the node NotReady.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the agent reports replica changes, pushes new output lines and, when disconnected, tries the server
    /// again. Default 1 s: a start or exit reaches the server, and a line reaches <c>berth logs</c>, about 1 s later.
    /// Desired state needs no polling: the server streams it.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many output lines (stdout and stderr) the agent keeps per replica and sends with an exit. Default 50.</summary>
    public int LogTailLines { get; init; } = 50;

    /// <summary>How many output lines the agent keeps per replica until it pushed them to the server. Default 1000.</summary>
    public int OutputLines { get; init; } = 1000;

    /// <summary>Throws when an option cannot be used; the message names it.</summary>
    /// <exception cref="ArgumentException">An option is out of range or malformed.</exception>
    public void Validate()
    {
        if (!Server.IsAbsoluteUri || (Server.Scheme != Uri.UriSchemeHttp && Server.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(AgentMessages.InvalidServer(Server.ToString()));
        }
        if (Core.Manifests.ManifestNames.ValidateDnsSubdomain(NodeName) is { } error)
        {
            throw new ArgumentException(AgentMessages.InvalidNodeName(NodeName, error));
        }
        Positive("--heartbeat-interval", HeartbeatInterval);
        Positive("--poll-interval", PollInterval);
        if (LogTailLines < 1)
        {
            throw new ArgumentException(AgentMessages.NotPositive("LogTailLines", LogTailLines.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (OutputLines < 1)
        {
            throw new ArgumentException(AgentMessages.NotPositive("OutputLines", OutputLines.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        _ = MachineCapacity.Apply(new Dictionary<string, string>(), CapacityOverride);
    }

    private static void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(AgentMessages.NotPositive(name, value.ToString()));
        }
    }
}
