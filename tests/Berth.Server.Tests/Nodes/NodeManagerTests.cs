using Berth.Core.Resources;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Nodes;

public sealed class NodeManagerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Register_NewNode_ReadyWithEventInSameCommit()
    {
        await using var h = new NodeHarness();

        var record = await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);

        var stored = await h.NodeAsync("n1");
        Assert.True(stored.Value.Status.Ready);
        Assert.Equal(h.Clock.GetUtcNow(), stored.Value.Status.LastHeartbeat);
        Assert.Equal((record.Spec.Name, record.Status), (stored.Value.Spec.Name, stored.Value.Status));
        var registered = Assert.Single(await h.EventsAsync(ClusterEventType.NodeRegistered));
        Assert.Equal(("n1", NodeMessages.Registered("n1", false), stored.ModRevision), (registered.Subject, registered.Message, registered.Revision));
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Heartbeat("n1")));
    }

    [Fact]
    public async Task Heartbeat_ReadyNode_StaysReadyAndNodeModRevisionDoesNotMove()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        var before = await h.NodeAsync("n1");

        for (int beat = 0; beat < 6; beat++)
        {
            h.Clock.Advance(10 * Second);
            Assert.Equal(HeartbeatOutcome.Recorded, await h.Nodes.HeartbeatAsync("n1"));
            await h.Nodes.CheckAsync();
        }

        var after = await h.NodeAsync("n1");
        Assert.Equal(before.ModRevision, after.ModRevision);
        Assert.True(after.Value.Status.Ready);
        Assert.Empty(await h.EventsAsync(ClusterEventType.NodeNotReady));
        var heartbeat = StateSerializer.Deserialize<NodeHeartbeat>((await h.Store.GetAsync(KeyLayout.Heartbeat("n1")))!.Value.Span);
        Assert.Equal(h.Clock.GetUtcNow(), heartbeat.Time);
    }

    [Fact]
    public async Task Heartbeat_ReadyNode_PlanMadeBeforeBeatsStillApplies()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        var web = StateFixtures.Workload("web");
        await h.State.PutAsync(web);
        var state = await h.State.Reader.ReadAsync();
        var plan = StateHarness.Plan(state, web, (0, "n1"));

        h.Clock.Advance(5 * Second);
        await h.Nodes.HeartbeatAsync("n1");
        var result = await h.State.Applier.ApplyAsync(plan);

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
    }

    [Fact]
    public async Task Heartbeat_UnknownNode_ReportsItAndWritesNothing()
    {
        await using var h = new NodeHarness();

        Assert.Equal(HeartbeatOutcome.UnknownNode, await h.Nodes.HeartbeatAsync("ghost"));
        Assert.Empty(await h.State.DumpAsync());
    }

    [Fact]
    public async Task Check_SilentForHeartbeatGrace_NotReadyExactlyOnce()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        await h.Nodes.RegisterAsync(StateFixtures.Node("n2").Spec);

        h.Clock.Advance(14 * Second);
        await h.Nodes.HeartbeatAsync("n2");
        var early = await h.Nodes.CheckAsync();
        h.Clock.Advance(1 * Second);
        var due = await h.Nodes.CheckAsync();
        h.Clock.Advance(5 * Second);
        var later = await h.Nodes.CheckAsync();

        Assert.Empty(early.NotReady);
        Assert.Equal(["n1"], due.NotReady);
        Assert.Empty(later.NotReady);
        Assert.False((await h.NodeAsync("n1")).Value.Status.Ready);
        Assert.True((await h.NodeAsync("n2")).Value.Status.Ready);
        var notReady = Assert.Single(await h.EventsAsync(ClusterEventType.NodeNotReady));
        Assert.Equal(("n1", NodeMessages.NotReady("n1", 15 * Second, 15 * Second)), (notReady.Subject, notReady.Message));
        Assert.Empty(await h.EventsAsync(ClusterEventType.NodeLost));
    }

    [Fact]
    public async Task Check_SilentForBothGraces_LostOnceAndOnlyItsHoldingAssignmentsReleased()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        await h.Nodes.RegisterAsync(StateFixtures.Node("n2").Spec);
        var web = WorkloadKey.Parse("default/web");
        await h.PlaceAsync(web, 0, "n1");
        await h.PlaceAsync(web, 1, "n2");
        await h.PlaceAsync(web, 2, "n1", AssignmentState.Failed);
        await h.PlaceAsync(WorkloadKey.Parse("default/db"), 0, "n1", AssignmentState.Running);
        var untouched = await h.Store.GetAsync(KeyLayout.Assignment(web, 1));

        for (int second = 5; second <= 45; second += 5)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync("n2");
            var result = await h.Nodes.CheckAsync();
            Assert.Equal(second == 15 ? ["n1"] : [], result.NotReady);
            Assert.Equal(second == 30 ? ["n1"] : [], result.Lost);
            Assert.Equal(second == 30 ? ["default/db/0", "default/web/0"] : [], result.Released);
        }

        Assert.Null(await h.Store.GetAsync(KeyLayout.Assignment(web, 0)));
        Assert.Null(await h.Store.GetAsync(KeyLayout.Assignment(WorkloadKey.Parse("default/db"), 0)));
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Assignment(web, 2)));
        Assert.Equal(untouched!.ModRevision, (await h.Store.GetAsync(KeyLayout.Assignment(web, 1)))!.ModRevision);
        Assert.Single(await h.EventsAsync(ClusterEventType.NodeNotReady));
        var lost = Assert.Single(await h.EventsAsync(ClusterEventType.NodeLost));
        Assert.Equal(NodeMessages.Lost("n1", 30 * Second, ["default/db/0", "default/web/0"]), lost.Message);
        var released = await h.EventsAsync(ClusterEventType.ReplicaReleased);
        Assert.Equal(["default/db/0", "default/web/0"], released.Select(e => e.Subject));
        Assert.All(released, e => Assert.Equal(lost.Revision, e.Revision));
    }

    [Fact]
    public async Task Check_ReplicaPlacedOnLostNodeLater_ReleasedWithoutSecondLostEvent()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        h.Clock.Advance(30 * Second);
        await h.Nodes.CheckAsync();
        var web = WorkloadKey.Parse("default/web");
        await h.PlaceAsync(web, 0, "n1");

        h.Clock.Advance(5 * Second);
        var result = await h.Nodes.CheckAsync();

        Assert.Equal(["default/web/0"], result.Released);
        Assert.Empty(result.Lost);
        Assert.Null(await h.Store.GetAsync(KeyLayout.Assignment(web, 0)));
        Assert.Single(await h.EventsAsync(ClusterEventType.NodeLost));
    }

    [Fact]
    public async Task Heartbeat_AfterNotReady_ReadyAgainWithEvent()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        h.Clock.Advance(20 * Second);
        await h.Nodes.CheckAsync();

        var outcome = await h.Nodes.HeartbeatAsync("n1");
        h.Clock.Advance(10 * Second);
        var check = await h.Nodes.CheckAsync();

        Assert.Equal(HeartbeatOutcome.BecameReady, outcome);
        Assert.Equal((0, 0), (check.NotReady.Count, check.Lost.Count));
        var node = await h.NodeAsync("n1");
        Assert.True(node.Value.Status.Ready);
        var ready = Assert.Single(await h.EventsAsync(ClusterEventType.NodeReady));
        Assert.Equal((node.ModRevision, NodeMessages.Ready("n1")), (ready.Revision, ready.Message));
    }

    [Fact]
    public async Task Heartbeat_AfterLost_ReadyAndCanBeLostAgainLater()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        h.Clock.Advance(30 * Second);
        await h.Nodes.CheckAsync();

        Assert.Equal(HeartbeatOutcome.BecameReady, await h.Nodes.HeartbeatAsync("n1"));
        h.Clock.Advance(30 * Second);
        var again = await h.Nodes.CheckAsync();

        Assert.Equal(["n1"], again.NotReady);
        Assert.Equal(["n1"], again.Lost);
        Assert.Equal(2, (await h.EventsAsync(ClusterEventType.NodeLost)).Count);
    }

    [Fact]
    public async Task CordonUncordon_FlipUnschedulableWithEvents_AndSurviveReRegistration()
    {
        await using var h = new NodeHarness();
        var spec = StateFixtures.Node("n1").Spec;
        await h.Nodes.RegisterAsync(spec);

        Assert.True(await h.Nodes.CordonAsync("n1"));
        var cordoned = await h.NodeAsync("n1");
        Assert.True(await h.Nodes.CordonAsync("n1"));
        await h.Nodes.RegisterAsync(spec);
        var reRegistered = await h.NodeAsync("n1");
        Assert.True(await h.Nodes.UncordonAsync("n1"));
        await h.Nodes.RegisterAsync(spec with { Unschedulable = true });
        var uncordoned = await h.NodeAsync("n1");

        Assert.True(cordoned.Value.Spec.Unschedulable);
        Assert.True(reRegistered.Value.Spec.Unschedulable);
        Assert.False(uncordoned.Value.Spec.Unschedulable);
        Assert.Single(await h.EventsAsync(ClusterEventType.NodeCordoned));
        Assert.Single(await h.EventsAsync(ClusterEventType.NodeUncordoned));
        Assert.Equal(NodeMessages.Registered("n1", true), (await h.EventsAsync(ClusterEventType.NodeRegistered))[1].Message);
        Assert.False(await h.Nodes.CordonAsync("ghost"));
    }

    [Fact]
    public async Task Drain_ReleasesOneReplicaPerWorkloadPerCall_AndCordons()
    {
        await using var h = new NodeHarness();
        await h.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        await h.Nodes.RegisterAsync(StateFixtures.Node("n2").Spec);
        var web = StateFixtures.Workload("web", replicas: 3);
        var db = StateFixtures.Workload("db", replicas: 1);
        await h.State.PutAsync(web);
        await h.State.PutAsync(db);
        var webKey = WorkloadKey.Of(web);
        var dbKey = WorkloadKey.Of(db);
        await h.PlaceAsync(webKey, 0, "n1");
        await h.PlaceAsync(webKey, 1, "n1");
        await h.PlaceAsync(webKey, 2, "n2");
        await h.PlaceAsync(dbKey, 0, "n1");

        var first = await h.Nodes.DrainAsync("n1");
        var second = await h.Nodes.DrainAsync("n1");
        // The placement loop puts web/0 back, elsewhere.
        await h.PlaceAsync(webKey, 0, "n2");
        var third = await h.Nodes.DrainAsync("n1");

        Assert.True((await h.NodeAsync("n1")).Value.Spec.Unschedulable);
        Assert.Equal(["default/db/0", "default/web/0"], first!.Released);
        Assert.Equal(["default/web/1"], first.Remaining);
        Assert.Empty(first.Blocked);
        Assert.Empty(second!.Released);
        Assert.Equal(["default/web/1"], second.Blocked);
        Assert.False(second.IsComplete);
        Assert.Equal(["default/web/1"], third!.Released);
        Assert.True(third.IsComplete);
        Assert.Single(await h.EventsAsync(ClusterEventType.NodeCordoned));
        var released = await h.EventsAsync(ClusterEventType.ReplicaReleased);
        Assert.Equal(["default/db/0", "default/web/0", "default/web/1"], released.Select(e => e.Subject));
        Assert.Equal(NodeMessages.ReleasedDrain("default/web/1", "n1"), released[2].Message);
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Assignment(webKey, 2)));
    }

    [Fact]
    public async Task Drain_UnknownNode_ReturnsNull()
    {
        await using var h = new NodeHarness();

        Assert.Null(await h.Nodes.DrainAsync("ghost"));
    }

    [Theory]
    [InlineData("heartbeat grace zero", 0, 15, 5, 5, "Nodes:HeartbeatGrace")]
    [InlineData("lost grace negative", 15, -1, 5, 5, "Nodes:LostGrace")]
    [InlineData("interval not below grace", 15, 15, 15, 5, "Nodes:CheckInterval")]
    [InlineData("no attempts", 15, 15, 5, 0, "Nodes:MaxAttempts")]
    public void Validate_OutOfRange_ThrowsNamingKey(string because, int heartbeatGrace, int lostGrace, int interval, int attempts, string key)
    {
        var options = new NodeManagerOptions
        {
            HeartbeatGrace = heartbeatGrace * Second,
            LostGrace = lostGrace * Second,
            CheckInterval = interval * Second,
            MaxAttempts = attempts,
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.True(error.Message.StartsWith(key, StringComparison.Ordinal), because);
    }

    [Fact]
    public void Validate_Defaults_Pass() => new NodeManagerOptions().Validate();

    /// <summary>A state harness with a node manager on a manual clock.</summary>
    private sealed class NodeHarness : IAsyncDisposable
    {
        public NodeHarness()
        {
            State = new StateHarness();
            Clock = new ManualTimeProvider(StateFixtures.T0);
            Log = new EventLog(State.Store, Clock, "nodes");
            Nodes = new NodeManager(State.Store, Log);
        }

        public StateHarness State { get; }

        public IKeyValueStore Store => State.Store;

        public ManualTimeProvider Clock { get; }

        public EventLog Log { get; }

        public NodeManager Nodes { get; }

        public async Task<Stored<NodeRecord>> NodeAsync(string name)
        {
            var kv = await Store.GetAsync(KeyLayout.Node(name));
            Assert.NotNull(kv);
            return new Stored<NodeRecord>(kv.Key, StateSerializer.Deserialize<NodeRecord>(kv.Value.Span), kv.ModRevision);
        }

        public async Task<IReadOnlyList<ClusterEvent>> EventsAsync(ClusterEventType type) =>
            [.. (await Log.ReadAfterAsync(0)).Where(e => e.Type == type)];

        public Task<long> PlaceAsync(WorkloadKey workload, int replica, string node, AssignmentState state = AssignmentState.Pending) =>
            Store.PutAsync(
                KeyLayout.Assignment(workload, replica),
                StateSerializer.Serialize(new Assignment(workload, replica, node, 1, ResourceList.Parse((ResourceNames.Cpu, "1")), [], "test", state)));

        public ValueTask DisposeAsync() => State.DisposeAsync();
    }
}
