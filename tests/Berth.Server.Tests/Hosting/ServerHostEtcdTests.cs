using System.Globalization;
using System.Text;
using Berth.Protocol.Agent.V1;
using Berth.Server.Hosting;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Berth.Store.Tests.Fixtures;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Hosting;

/// <summary><c>berth server --store etcd://…</c>: a whole server on a throwaway etcd on loopback, and the refusals before it.</summary>
public sealed class ServerHostEtcdTests : IAsyncDisposable
{
    /// <summary>One replica of a small <c>sleep</c>, named web.</summary>
    private static readonly string Manifest = RunningServer.Manifest("web", replicas: 1);

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    // --data must never be created when the state lives in etcd.
    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-etcd-server-" + Guid.NewGuid().ToString("N"));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    private ServerOptions Options(string store) => new()
    {
        Listen = "127.0.0.1:0",
        DataDirectory = _data,
        Store = store,
        LoopInterval = TimeSpan.FromMilliseconds(200),
        AssignmentResendInterval = TimeSpan.FromMilliseconds(300),
    };

    private static RegisterRequest Registration()
    {
        var request = new RegisterRequest { Name = "node-a" };
        request.Allocatable.Add(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = "110" });
        return request;
    }

    private static async Task<AssignmentSet> AssignedSetAsync(ServerHost host)
    {
        using var channel = GrpcChannel.ForAddress(host.GrpcAddress);
        var client = new AgentService.AgentServiceClient(channel);
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var call = client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-a" }, cancellationToken: deadline.Token);
        await foreach (var set in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            if (set.Assignments.Count == 1)
            {
                return set;
            }
        }
        throw new InvalidOperationException("the assignment stream ended");
    }

    [EtcdFact]
    public async Task StartAsync_EtcdStore_PlacesThroughTheAgentProtocolAndKeepsStateAcrossServers()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var store = "etcd://" + etcd.Endpoint;

        await using (var first = await ServerHost.StartAsync(Options(store), logging => logging.ClearProviders()))
        {
            using var channel = GrpcChannel.ForAddress(first.GrpcAddress);
            await new AgentService.AgentServiceClient(channel).RegisterAsync(Registration());
            using (var apply = await _http.PostAsync(new Uri(first.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
            {
                Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
            }

            var set = await AssignedSetAsync(first);

            Assert.Equal(("default/web", 0), (set.Assignments[0].Workload, set.Assignments[0].Replica));
        }

        await using var second = await ServerHost.StartAsync(Options(store), logging => logging.ClearProviders());

        var workloads = await _http.GetStringAsync(new Uri(second.Address, "v1/workloads"));
        var nodes = await _http.GetStringAsync(new Uri(second.Address, "v1/nodes"));
        var assignments = await _http.GetStringAsync(new Uri(second.Address, "v1/assignments"));
        Assert.Contains("\"web\"", workloads, StringComparison.Ordinal);
        Assert.Contains("\"node-a\"", nodes, StringComparison.Ordinal);
        Assert.Contains("\"node-a\"", assignments, StringComparison.Ordinal);
        Assert.Equal("default/web", (await AssignedSetAsync(second)).Assignments[0].Workload);
        Assert.False(Directory.Exists(_data), "--data was created although the state lives in etcd");
    }

    [Fact]
    public async Task StartAsync_EtcdNotAnswering_ThrowsStoreUnavailableNamingStore()
    {
        var store = string.Create(CultureInfo.InvariantCulture, $"etcd://127.0.0.1:{EtcdServer.FreePort()}");

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => ServerHost.StartAsync(Options(store), logging => logging.ClearProviders()));

        Assert.StartsWith($"--store '{store}': etcd did not answer", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("etcd://10.0.0.2:2379")]
    [InlineData("etcd://127.0.0.1:2379,etcd.example:2379")]
    public void Validate_NonLoopbackEtcd_IsRefusedSayingWhy(string store)
    {
        var e = Assert.Throws<ServerOptionsException>(Options(store).Validate);

        Assert.StartsWith($"--store '{store}': endpoint ", e.Message, StringComparison.Ordinal);
        Assert.Contains("no TLS", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etcd://127.0.0.1:2379")]
    [InlineData("etcd://localhost,[::1]:2380")]
    public void Validate_LoopbackEtcd_IsAccepted(string store)
    {
        var options = Options(store);

        options.Validate();

        Assert.True(options.UsesEtcd);
    }

    [Theory]
    [InlineData("/var/lib/berth.db", "is not an etcd address")]
    [InlineData("etcd://127.0.0.1:notaport", "cannot be used")]
    public void Validate_StoreNotAnEtcdAddress_NamesStore(string store, string problem)
    {
        var e = Assert.Throws<ServerOptionsException>(Options(store).Validate);

        Assert.StartsWith($"--store '{store}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoStore_UsesTheEmbeddedStore()
    {
        var options = new ServerOptions();

        options.Validate();

        Assert.False(options.UsesEtcd);
    }
}
