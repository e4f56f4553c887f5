using System.Diagnostics;
using System.Net;
using System.Text;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Leadership;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Etcd;
using Berth.Store.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Leadership;

/// <summary>Several servers and electors on one throwaway etcd: one leader, hand-over on stop and on expiry, and the fence.</summary>
public sealed class ServerLeadershipEtcdTests : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-etcd-leadership-" + Guid.NewGuid().ToString("N"));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    private ServerOptions Options(string store, string id) => new()
    {
        Listen = "127.0.0.1:0",
        DataDirectory = _data,
        Store = store,
        ServerId = id,
        LeaderLease = TimeSpan.FromSeconds(2),
        LoopInterval = TimeSpan.FromMilliseconds(200),
    };

    private async Task<ServersResponse> ServersAsync(ServerHost host) =>
        System.Text.Json.JsonSerializer.Deserialize(await _http.GetStringAsync(new Uri(host.Address, "v1/servers")), ApiJson.Info<ServersResponse>())!;

    [EtcdFact]
    public async Task ThreeServers_OneLeadsTheOthersFollowAndTheLeaderStoppingHandsOverAtOnce()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var store = "etcd://" + etcd.Endpoint;
        var hosts = new List<ServerHost>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                hosts.Add(await ServerHost.StartAsync(Options(store, "berth-" + i), logging => logging.ClearProviders()));
            }

            var servers = await RunningServer.WaitForAsync(
                () => ServersAsync(hosts[2]),
                s => s.Servers.Length == 3 && s.Leader is not null,
                "three servers registered and a leader");
            await Electors.WaitForAsync(() => hosts.Count(h => h.Election.IsLeader) == 1, "exactly one leading host");
            var leader = hosts.Single(h => h.Election.IsLeader);
            Assert.Equal(leader.Election.ServerId, servers.Leader);
            Assert.Equal(leader.Election.Current!.Revision, servers.Term);
            Assert.Equal(2, servers.Servers.Count(s => s.Role == LeadershipMessages.FollowerRole));

            // A follower is ready and names the leader.
            var follower = hosts.First(h => h != leader);
            await RunningServer.WaitForAsync(
                async () =>
                {
                    using var response = await _http.GetAsync(new Uri(follower.Address, "readyz"));
                    return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
                },
                r => r.StatusCode == HttpStatusCode.OK && r.Text.Contains("\"role\":\"follower\"", StringComparison.Ordinal)
                    && r.Text.Contains($"\"leader\":\"{servers.Leader}\"", StringComparison.Ordinal),
                "the follower's /readyz");

            var stopwatch = Stopwatch.StartNew();
            hosts.Remove(leader);
            await leader.DisposeAsync();
            await Electors.WaitForAsync(() => hosts.Count(h => h.Election.IsLeader) == 1, "a new leader");
            var handOver = stopwatch.Elapsed;

            var after = await RunningServer.WaitForAsync(() => ServersAsync(hosts[0]), s => s.Servers.Length == 2 && s.Leader is not null, "two servers listed");
            Assert.True(after.Term > servers.Term);
            Assert.DoesNotContain(after.Servers, s => s.Id == servers.Leader);
            // The leader resigned: nobody waited out the 2 s lease (plus slack for the stop itself).
            Assert.True(handOver < TimeSpan.FromSeconds(2), $"hand-over took {handOver}");
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [EtcdFact]
    public async Task Election_LeaderCutOffFromEtcd_AnotherLeadsWithinTheLeasePlusTwoSeconds()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var store = await EtcdStore.ConnectAsync(EtcdStoreOptions.Parse("etcd://" + etcd.Endpoint));
        var lease = TimeSpan.FromSeconds(2);
        await using var electors = new Electors(store, lease);
        electors.Add();
        var first = await electors.WaitForLeaderAsync();
        electors.Add();
        await Electors.WaitForAsync(() => electors[1].Leader?.Id == first.ServerId, "the follower to see the leader");
        var term = first.Current!;

        var stopwatch = Stopwatch.StartNew();
        electors.View(0).Unreachable = true;
        var second = await electors.WaitForLeaderAsync(not: first);

        Assert.True(stopwatch.Elapsed < lease + TimeSpan.FromSeconds(2), $"a new leader took {stopwatch.Elapsed}");
        Assert.True(term.IsLost);
        Assert.True(second.Current!.Revision > term.Revision);
    }

    [EtcdFact]
    public async Task Fence_DeposedLeaderOnEtcd_IsRefusedAndWritesNothing()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var store = await EtcdStore.ConnectAsync(EtcdStoreOptions.Parse("etcd://" + etcd.Endpoint));
        await using var electors = new Electors(store, TimeSpan.FromSeconds(30));
        var first = electors.Add(view => view.SilenceWatches = true);
        await electors.WaitForLeaderAsync();
        await store.DeleteAsync(KeyLayout.Leader);
        var second = electors.Add();
        await Electors.WaitForAsync(() => second.IsLeader, "the second elector to lead");
        Assert.True(first.IsLeader, "the first elector should not have noticed yet");

        await Assert.ThrowsAsync<LeadershipLostException>(() =>
            new LeadershipFence(store, first).TxnAsync([], [TxnOp.Put("/fenced", Encoding.UTF8.GetBytes("deposed"))], []));

        Assert.Null(await store.GetAsync("/fenced"));
        Assert.False(first.IsLeader);
    }
}
