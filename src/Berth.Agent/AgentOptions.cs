namespace Berth.Agent;

/// <summary>How one node agent runs (<c>berth agent</c>). Validate with <see cref="Validate"/> before starting.</summary>
public sealed record AgentOptions
{
    /// <summary>
    /// The first of <see cref="Servers"/>, e.g. <c>http://127.0.0.1:7070/</c>; setting it makes it the only server.
    /// </summary>
    /// <exception cref="InvalidOperationException">No server is set (<see cref="Validate"/> says so first).</exception>
    public Uri Server
    {
        get => Servers.Count > 0 ? Servers[0] : throw new InvalidOperationException(AgentMessages.NoServer);
        init => Servers = [value];
    }

    /// <summary>
    /// <c>--server</c> (or <c>BERTH_ADDR</c>): the control plane's REST base URLs, at least one. The agent uses one at a
    /// time, in this order, and moves to the next when a call or its assignment stream fails (<see cref="ServerRotation"/>).
    /// </summary>
    public IReadOnlyList<Uri> Servers { get; init; } = [];

    /// <summary>
    /// Longest wait before trying the servers again after every one of them failed in a row: the wait starts at
    /// <see cref="PollInterval"/> and doubles each round up to this. Default 5 s: a control plane back after a restart
    /// is found within seconds, and thousands of hollow nodes do not retry in lock-step (the wait is jittered).
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

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

    /// <summary>
    /// How long stopping a replica (evicted, removed, stopped, replaced) waits after SIGTERM before it kills what is left.
    /// Default 10 s; zero kills at once.
    /// </summary>
    public TimeSpan StopGrace { get; init; } = Supervision.ReplicaSupervisor.DefaultStopGrace;

    /// <summary>How many output lines (stdout and stderr) the agent keeps per replica and sends with an exit. Default 50.</summary>
    public int LogTailLines { get; init; } = 50;

    /// <summary>How many output lines the agent keeps per replica until it pushed them to the server. Default 1000.</summary>
    public int OutputLines { get; init; } = 1000;

    /// <summary>
    /// <c>--ca-cert</c>: the cluster's CA certificate (PEM). With it the agent speaks HTTPS to the servers, trusting only
    /// this CA, and presents its node certificate (from <see cref="CertificateDirectory"/> or by joining with
    /// <see cref="BootstrapToken"/>). Null (the default): plain HTTP, no certificate.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary><c>--bootstrap-token</c>: the one-time token to join with when no valid node certificate is at hand. Null: none.</summary>
    public string? BootstrapToken { get; init; }

    /// <summary>
    /// <c>--cert-dir</c>: where the node certificate and key are kept (node.crt, node.key) across restarts, so a restarted
    /// agent reuses a still-valid certificate instead of needing a new token. Null: kept in memory only.
    /// </summary>
    public string? CertificateDirectory { get; init; }

    /// <summary>Throws when an option cannot be used; the message names it.</summary>
    /// <exception cref="ArgumentException">An option is out of range or malformed.</exception>
    public void Validate()
    {
        ValidateServers(Servers, "--server");
        if (Core.Manifests.ManifestNames.ValidateDnsSubdomain(NodeName) is { } error)
        {
            throw new ArgumentException(AgentMessages.InvalidNodeName(NodeName, error));
        }
        Positive("--heartbeat-interval", HeartbeatInterval);
        Positive("--poll-interval", PollInterval);
        if (CaCertificatePath is null && (BootstrapToken is not null || CertificateDirectory is not null))
        {
            throw new ArgumentException(Security.CredentialMessages.CaCertificateMissing(BootstrapToken is not null ? "--bootstrap-token" : "--cert-dir"));
        }
        Positive("MaxReconnectDelay", MaxReconnectDelay);
        if (StopGrace < TimeSpan.Zero)
        {
            throw new ArgumentException(AgentMessages.Negative("--stop-grace", StopGrace.ToString()));
        }
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

    /// <summary>
    /// Parses a comma-separated list of server URLs (<c>--server a,b</c> or <c>BERTH_ADDR</c>); each must be an absolute
    /// http(s) URL, none empty, none twice. Whitespace around entries is ignored.
    /// </summary>
    /// <param name="text">The list as given.</param>
    /// <param name="source">Where it came from, named in errors (<c>--server</c>, <c>BERTH_ADDR</c>).</param>
    /// <exception cref="ArgumentException">The list is empty, has an empty entry, a bad URL or a repeated one; the message names <paramref name="source"/>.</exception>
    public static IReadOnlyList<Uri> ParseServers(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException(AgentMessages.NoServerIn(source));
        }
        var servers = new List<Uri>();
        foreach (var entry in text.Split(','))
        {
            var trimmed = entry.Trim();
            if (trimmed.Length == 0)
            {
                throw new ArgumentException(AgentMessages.EmptyServerEntry(source, text));
            }
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || !IsHttp(url))
            {
                throw new ArgumentException(AgentMessages.InvalidServerIn(source, trimmed));
            }
            servers.Add(url);
        }
        ValidateServers(servers, source);
        return servers;
    }

    private static void ValidateServers(IReadOnlyList<Uri> servers, string source)
    {
        if (servers.Count == 0)
        {
            throw new ArgumentException(AgentMessages.NoServerIn(source));
        }
        var seen = new HashSet<Uri>();
        foreach (var server in servers)
        {
            if (server is null || !IsHttp(server))
            {
                throw new ArgumentException(AgentMessages.InvalidServerIn(source, server?.ToString() ?? ""));
            }
            if (!seen.Add(server))
            {
                throw new ArgumentException(AgentMessages.RepeatedServer(source, server.ToString()));
            }
        }
    }

    private static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;

    private static void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(AgentMessages.NotPositive(name, value.ToString()));
        }
    }
}
