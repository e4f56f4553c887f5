using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Store.Tests.Fixtures;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// A highly available control plane as real processes on loopback: one throwaway etcd and several <c>berth server
/// --store etcd://…</c> replicas (ids <c>berth-0</c>, <c>berth-1</c> …), plus hollow-node agents. Disposing kills every
/// process it started (servers, agents, etcd) and removes its directories.
/// </summary>
internal sealed class HaCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly Dictionary<string, ServerProcess> _servers = new(StringComparer.Ordinal);
    private readonly List<BerthProcess> _agents = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private HaCluster(string root, EtcdServer etcd, TimeSpan lease)
    {
        _root = root;
        Etcd = etcd;
        Lease = lease;
    }

    /// <summary>The etcd every server shares.</summary>
    public EtcdServer Etcd { get; }

    /// <summary>The leader lease the servers run with.</summary>
    public TimeSpan Lease { get; }

    /// <summary>The servers still running, by id.</summary>
    public IReadOnlyDictionary<string, ServerProcess> Servers => _servers;

    /// <summary>Starts etcd and <paramref name="servers"/> servers with <c>--leader-lease</c> <paramref name="lease"/>.</summary>
    public static async Task<HaCluster> StartAsync(int servers, TimeSpan lease)
    {
        var etcd = await EtcdServer.StartAsync();
        var cluster = new HaCluster(Directory.CreateTempSubdirectory("berth-e2e-ha-").FullName, etcd, lease);
        try
        {
            for (int i = 0; i < servers; i++)
            {
                var id = "berth-" + i.ToString(CultureInfo.InvariantCulture);
                cluster._servers[id] = await ServerProcess.StartAsync(Path.Combine(cluster._root, id), 0,
                [
                    "--store", "etcd://" + etcd.Endpoint,
                    "--server-id", id,
                    "--leader-lease", lease.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s",
                    "--heartbeat-grace", "30s",
                ]);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>berth agent --simulate</c> with <paramref name="count"/> hollow nodes named <c>hollow-0000</c> … against <paramref name="server"/>.</summary>
    public BerthProcess StartHollowNodes(ServerProcess server, int count, string capacity)
    {
        var agent = BerthProcess.Start("hollow nodes", [
            "agent", "--server", server.Address.ToString(), "--name", "hollow",
            "--simulate", count.ToString(CultureInfo.InvariantCulture), "--capacity", capacity,
            "--heartbeat-interval", "500ms",
        ]);
        _agents.Add(agent);
        return agent;
    }

    /// <summary>Kills server <paramref name="id"/> at once (SIGKILL, no resignation).</summary>
    public void Kill(string id)
    {
        _servers[id].Kill();
        _servers[id].Dispose();
        _servers.Remove(id);
    }

    /// <summary>GET <paramref name="path"/> on <paramref name="server"/>: the JSON, or null when it does not answer 200.</summary>
    public async Task<JsonNode?> TryGetAsync(ServerProcess server, string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(server.Address, path));
            return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>GET <paramref name="path"/> on <paramref name="server"/>: the body as text, or null when it does not answer 200.</summary>
    public async Task<string?> TryGetTextAsync(ServerProcess server, string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(server.Address, path));
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>GET <paramref name="path"/> on <paramref name="server"/>; fails unless it answers 200.</summary>
    public async Task<JsonNode> GetAsync(ServerProcess server, string path) =>
        await TryGetAsync(server, path) ?? throw new Xunit.Sdk.XunitException($"GET {path} on {server.Address} did not answer 200");

    /// <summary>POSTs a manifest to <c>v1/apply</c> on <paramref name="server"/>: true when accepted (200).</summary>
    public async Task<bool> TryApplyAsync(ServerProcess server, string manifest)
    {
        try
        {
            using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
            using var response = await _http.PostAsync(new Uri(server.Address, "v1/apply"), content);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The leader's id and term as <paramref name="server"/> lists them, once <paramref name="count"/> servers are registered and one leads; else null.</summary>
    public async Task<(string Leader, long Term)?> LeaderAsync(ServerProcess server, int count)
    {
        var servers = await TryGetAsync(server, "v1/servers");
        if (servers?["leader"]?.GetValue<string>() is not { } leader || servers["servers"]!.AsArray().Count != count)
        {
            return null;
        }
        return (leader, servers["term"]!.GetValue<long>());
    }

    /// <summary>Every event so far, oldest first, read from <paramref name="server"/>.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsAsync(ServerProcess server)
    {
        var events = new List<JsonNode>();
        long after = 0;
        while (true)
        {
            var page = await GetAsync(server, string.Create(CultureInfo.InvariantCulture, $"v1/events?after={after}&limit=1000"));
            var batch = page["events"]!.AsArray();
            if (batch.Count == 0)
            {
                return events;
            }
            events.AddRange(batch.Select(e => e!));
            after = page["next"]!.GetValue<long>();
        }
    }

    /// <summary>What each running server answers on /readyz and /v1/servers, and its last output lines, for a failure message.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        foreach (var (id, server) in _servers)
        {
            string Answer(JsonNode? node) => node?.ToJsonString() ?? "(no 200)";
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {id} at {server.Address}: readyz {await RawAsync(server, "readyz")}; servers {Answer(await TryGetAsync(server, "v1/servers"))}");
            foreach (var line in server.Process.Output.Split('\n').TakeLast(40))
            {
                text.AppendLine(line);
            }
        }
        return text.ToString();
    }

    private async Task<string> RawAsync(ServerProcess server, string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(server.Address, path));
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.Message;
        }
    }

    /// <summary>Kills every agent, server and etcd, and removes the directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }
        foreach (var server in _servers.Values)
        {
            server.Dispose();
        }
        _http.Dispose();
        await Etcd.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Servers on etcd write nothing here; best effort.
        }
    }
}
