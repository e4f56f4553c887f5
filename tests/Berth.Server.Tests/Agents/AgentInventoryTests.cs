using System.Text.Json;
using Berth.Protocol.Agent.V1;
using Berth.Server.Nodes;
using Berth.Server.Reconciliation;
using Berth.Server.Tests.Fixtures;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Agents;

/// <summary>
/// Heartbeat inventories over gRPC against a real server: the test plays an agent that says Running but holds nothing
/// (as an agent that lost its child without an exit report would), and the server starts the replica again.
/// </summary>
public sealed class AgentInventoryTests : IAsyncLifetime
{
    private RunningServer? _server;
    private GrpcChannel? _channel;

    private RunningServer Server => _server ?? throw new InvalidOperationException("not started");

    private AgentService.AgentServiceClient Client => new(_channel ?? throw new InvalidOperationException("not started"));

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(options => options with
        {
            Reconciler = new ReconcilerOptions { Interval = TimeSpan.FromMilliseconds(200), MissingGrace = TimeSpan.FromSeconds(1) },
            AssignmentResendInterval = TimeSpan.FromMilliseconds(200),
        });
        _channel = GrpcChannel.ForAddress(_server.Host.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static HeartbeatRequest Beat(params ReplicaAssignment[] held)
    {
        var inventory = new Inventory();
        foreach (var item in held)
        {
            inventory.Replicas.Add(new InventoryReplica { Workload = item.Workload, Replica = item.Replica, WorkloadRevision = item.WorkloadRevision });
        }
        return new HeartbeatRequest { Node = "node-a", Inventory = inventory };
    }

    private async Task<AssignmentSet> NextSetAsync(Func<AssignmentSet, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(RunningServer.WaitLimit);
        using var call = Client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-a" }, cancellationToken: deadline.Token);
        await foreach (var set in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            if (wanted(set))
            {
                return set;
            }
        }
        throw new InvalidOperationException("the stream ended");
    }

    private async Task<string[]> ReleasesAsync()
    {
        using var events = JsonDocument.Parse(await Server.GetTextAsync("v1/events?after=0&limit=1000"));
        return [.. events.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "ReplicaReleased")
            .Select(e => e.GetProperty("message").GetString()!)];
    }

    // Registers node-a, applies web with two replicas and reports both Running, as an agent that started them would.
    private async Task<AssignmentSet> RunningAsync()
    {
        var request = new RegisterRequest { Name = "node-a" };
        request.Allocatable.Add(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = "110" });
        await Client.RegisterAsync(request);
        await Server.ApplyAsync(RunningServer.Manifest("web", replicas: 2));
        var pending = await NextSetAsync(set => set.Assignments.Count == 2);
        foreach (var item in pending.Assignments)
        {
            var report = new StatusReport { Node = "node-a", Workload = item.Workload, Replica = item.Replica, State = ReplicaState.Running, WorkloadRevision = item.WorkloadRevision };
            Assert.Equal("Running", (await Client.ReportStatusAsync(report)).Outcome);
        }
        return await NextSetAsync(set => set.Assignments.Count == 2 && set.Assignments.All(a => a.State == "Running"));
    }

    [Fact]
    public async Task Heartbeat_InventoryLacksARunningReplica_ServerReleasesOnlyThatOneAndPlacesItAgain()
    {
        var running = await RunningAsync();
        var (held, lost) = (running.Assignments[0], running.Assignments[1]);

        // The agent beats (every 200 ms, as a fast agent would) holding replica 0 only, as if replica 1's process had
        // vanished unreported: after the grace replica 1 is Pending again, replica 0 untouched.
        using var beating = new CancellationTokenSource();
        var beats = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                await Client.HeartbeatAsync(Beat(held));
                await Task.Delay(200);
            }
        });
        var after = await NextSetAsync(set => set.Assignments.Count == 2 && set.Assignments[1].State == "Pending" && set.Assignments[1].Revision > lost.Revision);
        await beating.CancelAsync();
        await beats;

        Assert.Equal(lost.WorkloadRevision, after.Assignments[1].WorkloadRevision);
        Assert.Equal((held.State, held.Revision), (after.Assignments[0].State, after.Assignments[0].Revision));
        var released = Assert.Single(await ReleasesAsync());
        Assert.Equal(ReconcilerMessages.MissingFromNode("default/web/1", "node-a", TimeSpan.FromSeconds(1)), released);
    }

    [Fact]
    public async Task Heartbeat_InventoryNamesNoWorkload_IsInvalidArgumentNamingTheField()
    {
        await RunningAsync();
        var beat = Beat();
        beat.Inventory.Replicas.Add(new InventoryReplica { Workload = "no-slash", Replica = 0, WorkloadRevision = 1 });

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.HeartbeatAsync(beat));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("inventory.replicas: workload no-slash replica 0", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_WithoutInventory_KeepsNoneSoNothingIsJudged()
    {
        // An agent older than the inventory field sends none: its node is never judged, rather than judged empty.
        await RunningAsync();
        var inventories = Server.Host.Services.GetRequiredService<NodeInventory>();

        await Client.HeartbeatAsync(new HeartbeatRequest { Node = "node-a" });
        Assert.Null(inventories.Latest("node-a"));

        await Client.HeartbeatAsync(Beat());
        Assert.Empty(inventories.Latest("node-a")!.Replicas);
    }
}
