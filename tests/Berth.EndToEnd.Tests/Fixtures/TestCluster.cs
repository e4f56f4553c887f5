using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// A control plane and agents as real processes on loopback, with a temporary directory for the store and for the
/// files replicas write. Talks to them only through the REST API and the berth command line. Disposing kills every
/// process (agents with their replicas) and removes the directory, whether the test passed or not.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly IReadOnlyList<string> _serverOptions;
    private readonly Dictionary<string, BerthProcess> _agents = new(StringComparer.Ordinal);
    private readonly HttpClient _http;

    private TestCluster(string root, IReadOnlyList<string> serverOptions, ServerProcess server)
    {
        _root = root;
        _serverOptions = serverOptions;
        Server = server;
        _http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>The running server.</summary>
    public ServerProcess Server { get; private set; }

    /// <summary>The store's directory (kept across <see cref="RestartServerAsync"/>).</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A directory replicas write their files into (passed to them in their manifest).</summary>
    public string WorkDirectory => Path.Combine(_root, "work");

    /// <summary>The agents started so far, by node name.</summary>
    public IReadOnlyDictionary<string, BerthProcess> Agents => _agents;

    /// <summary>Starts a server with <paramref name="serverOptions"/> on a free port over a fresh data directory.</summary>
    public static async Task<TestCluster> StartAsync(params string[] serverOptions)
    {
        var root = Directory.CreateTempSubdirectory("berth-e2e-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "work"));
        try
        {
            var server = await ServerProcess.StartAsync(Path.Combine(root, "data"), 0, serverOptions);
            return new TestCluster(root, serverOptions, server);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>Starts <c>berth agent</c> named <paramref name="name"/> in <paramref name="zone"/> and waits until its node is Ready.</summary>
    public async Task<BerthProcess> AddAgentAsync(string name, string zone, params string[] options)
    {
        string[] arguments =
        [
            "agent",
            "--server", Server.Address.ToString(),
            "--name", name,
            "--labels", $"topology.kubernetes.io/zone={zone}",
            "--capacity", "cpu=2,memory=2Gi,pods=10",
            .. options,
        ];
        var agent = BerthProcess.Start("agent " + name, arguments);
        _agents[name] = agent;
        await Eventually.WaitAsync(async () => (await NodeAsync(name))?["status"]?["ready"]?.GetValue<bool>() == true, $"node {name} to be Ready; agent output:\n{agent.Output}");
        return agent;
    }

    /// <summary>Starts several agents, one per (name, zone), each waited on until Ready.</summary>
    public async Task AddAgentsAsync(IEnumerable<(string Name, string Zone)> agents, params string[] options)
    {
        foreach (var (name, zone) in agents)
        {
            await AddAgentAsync(name, zone, options);
        }
    }

    /// <summary>Kills the server (no graceful stop) and starts it again on the same port and data directory.</summary>
    public async Task RestartServerAsync()
    {
        int port = Server.Port;
        Server.Kill();
        Server.Dispose();
        Server = await ServerProcess.StartAsync(DataDirectory, port, _serverOptions);
    }

    /// <summary>GET <paramref name="path"/> (e.g. <c>v1/nodes</c>) as JSON; fails on an error status.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        var (status, body) = await GetTextAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>GET <paramref name="path"/>: the status and the body as text.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetTextAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POST manifest text to <c>v1/apply</c>: the status and the body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> ApplyAsync(string manifest)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await _http.PostAsync("v1/apply", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Runs a berth client command against this cluster, found through <c>BERTH_ADDR</c>.</summary>
    public Task<(int Code, string Output)> CliAsync(params string[] arguments) =>
        BerthProcess.RunAsync(arguments, new Dictionary<string, string> { ["BERTH_ADDR"] = Server.Address.GetLeftPart(UriPartial.Authority) });

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public async Task<JsonNode?> NodeAsync(string name)
    {
        var (status, body) = await TryGetTextAsync("v1/nodes");
        return status == HttpStatusCode.OK
            ? JsonNode.Parse(body)!.AsArray().FirstOrDefault(n => n!["name"]!.GetValue<string>() == name)
            : null;
    }

    /// <summary>The assignments of workload <c>default/</c><paramref name="workload"/>, by replica.</summary>
    public async Task<IReadOnlyList<JsonNode>> AssignmentsAsync(string workload) =>
        (await GetAsync("v1/assignments")).AsArray()
            .Select(a => a!["assignment"]!)
            .Where(a => a["workload"]!.GetValue<string>() == "default/" + workload)
            .OrderBy(a => a["replica"]!.GetValue<int>())
            .ToList();

    /// <summary>Every event so far, oldest first.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsAsync()
    {
        var events = new List<JsonNode>();
        long after = 0;
        while (true)
        {
            var page = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"v1/events?after={after}&limit=1000"));
            var batch = page["events"]!.AsArray();
            if (batch.Count == 0)
            {
                return events;
            }
            events.AddRange(batch.Select(e => e!));
            after = page["next"]!.GetValue<long>();
        }
    }

    /// <summary>The events of type <paramref name="type"/> whose subject starts with <paramref name="subject"/>.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsAsync(string type, string subject) =>
        (await EventsAsync())
            .Where(e => e["type"]!.GetValue<string>() == type && e["subject"]!.GetValue<string>().StartsWith(subject, StringComparison.Ordinal))
            .ToList();

    /// <summary>Lines of the file a replica wrote into <see cref="WorkDirectory"/> (empty when there is none yet).</summary>
    public IReadOnlyList<string> ReplicaFile(string name)
    {
        var path = Path.Combine(WorkDirectory, name);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    /// <summary>Kills every agent (with its replicas) and the server, any replica that outlived them, and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }
        Server.Dispose();
        _http.Dispose();
        KillStrayReplicas();
        await Task.Yield();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A replica that wrote a file late: the OS temp cleaner takes the rest; the processes are gone.
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> TryGetTextAsync(string path)
    {
        try
        {
            return await GetTextAsync(path);
        }
        catch (HttpRequestException e)
        {
            return (HttpStatusCode.ServiceUnavailable, e.Message);
        }
    }

    /// <summary>
    /// Replicas in these tests write their pid as each line of their file. An agent killed after its own exit (or a
    /// replica whose agent was killed alone) would leave them running: they are killed here.
    /// </summary>
    private void KillStrayReplicas()
    {
        if (!Directory.Exists(WorkDirectory))
        {
            return;
        }
        foreach (var file in Directory.GetFiles(WorkDirectory))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                if (int.TryParse(line.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && ProcessTable.IsAlive(pid))
                {
                    try
                    {
                        using var process = System.Diagnostics.Process.GetProcessById(pid);
                        process.Kill(entireProcessTree: true);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Gone in between.
                    }
                }
            }
        }
    }
}
