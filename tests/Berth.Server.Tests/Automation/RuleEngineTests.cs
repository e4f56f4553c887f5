using Berth.Core.Fleet;
using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Server.Automation;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Server.Tests.Fleet;
using Berth.Store;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Automation;

/// <summary>Each condition kind fires its actions exactly once per episode, and again only after it cleared and held again.</summary>
public sealed class RuleEngineTests : IAsyncDisposable
{
    private readonly SqliteStore _store = StateFixtures.Store();
    private readonly ManualTimeProvider _time = new(StateFixtures.T0);
    private readonly EventLog _events;
    private readonly NodeManager _nodes;

    public RuleEngineTests()
    {
        _events = new EventLog(_store, _time, "test");
        _nodes = new NodeManager(_store, _events, time: _time);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private RuleEngine Engine() => new(_store, _events, _nodes, new RuleEngineOptions(), _time);

    private async Task ApplyRuleAsync(string name, string spec)
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll($"apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {{name: {name}}}\n{spec}"));
        var stored = ObjectKinds.Rules.Read(document);
        await _store.PutAsync(KeyLayout.Object(ObjectKinds.Rules, "", name), ObjectKinds.Rules.Serialize(stored.Spec));
    }

    private async Task<IReadOnlyList<ClusterEvent>> FiredEventsAsync() =>
        [.. (await _events.ReadAfterAsync(0)).Where(e => e.Type == ClusterEventType.RuleFired)];

    private async Task<WorkloadKey> PlaceAsync(string node, string cpu)
    {
        var workload = StateFixtures.Workload(cpu: cpu, memory: "64Mi");
        var key = WorkloadKey.Of(workload);
        long revision = await _store.PutAsync(KeyLayout.Workload(key), StateSerializer.Serialize(workload));
        await _store.PutAsync(KeyLayout.Assignment(key, 0), StateSerializer.Serialize(
            new Assignment(key, 0, node, revision, workload.Containers[0].Resources.Requests, [], "test", AssignmentState.Running)));
        return key;
    }

    [Fact]
    public async Task RunPass_NodeCpuAboveThresholdLongerThanItsWindow_FiresOncePerEpisodeAndCordons()
    {
        var node = StateFixtures.Node("hot-1", cpu: "1");
        await _store.PutAsync(KeyLayout.Node("hot-1"), StateSerializer.Serialize(node));
        await _store.PutAsync(KeyLayout.Node("cool-1"), StateSerializer.Serialize(StateFixtures.Node("cool-1", cpu: "4")));
        await ApplyRuleAsync("hot-node", "spec: {condition: {nodeMetric: {metric: cpu, above: 90, for: 5m}}, actions: [{event: {reason: NodeHot}}, {cordon: {}}]}");
        var engine = Engine();
        var busy = await PlaceAsync("hot-1", "950m");

        Assert.Empty(await engine.RunPassAsync());
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await engine.RunPassAsync());
        _time.Advance(TimeSpan.FromMinutes(1));
        var first = Assert.Single(await engine.RunPassAsync());
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await engine.RunPassAsync());
        // A new leader reads the episode from the store: still Firing, nothing fires again.
        Assert.Empty(await Engine().RunPassAsync());

        Assert.Equal(("hot-node", "hot-1", 1), (first.Rule, first.Subject, first.Episode));
        var fired = Assert.Single(await FiredEventsAsync());
        Assert.Equal("hot-1", fired.Subject);
        Assert.StartsWith("NodeHot: rule hot-node fired for hot-1: cpu 95% of allocatable requested, above 90%", fired.Message, StringComparison.Ordinal);
        Assert.True(StateSerializer.Read<NodeRecord>((await _store.GetAsync(KeyLayout.Node("hot-1")))!).Spec.Unschedulable);
        Assert.False(StateSerializer.Read<NodeRecord>((await _store.GetAsync(KeyLayout.Node("cool-1")))!).Spec.Unschedulable);

        // It clears when the replica goes, and a second episode fires only after the window holds again.
        await _store.DeleteAsync(KeyLayout.Assignment(busy, 0));
        Assert.Empty(await engine.RunPassAsync());
        await PlaceAsync("hot-1", "950m");
        Assert.Empty(await Engine().RunPassAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        var second = Assert.Single(await Engine().RunPassAsync());
        Assert.Empty(await Engine().RunPassAsync());

        Assert.Equal(2, second.Episode);
        Assert.Equal(2, (await FiredEventsAsync()).Count);
    }

    [Fact]
    public async Task RunPass_NodeCpuDropsBeforeTheWindowEnds_DoesNotFire()
    {
        await _store.PutAsync(KeyLayout.Node("blip-1"), StateSerializer.Serialize(StateFixtures.Node("blip-1", cpu: "1")));
        await ApplyRuleAsync("hot-node", "spec: {condition: {nodeMetric: {metric: cpu, above: 90, for: 5m}}, actions: [{cordon: {}}]}");
        var engine = Engine();
        var busy = await PlaceAsync("blip-1", "950m");
        await engine.RunPassAsync();
        _time.Advance(TimeSpan.FromMinutes(3));
        await _store.DeleteAsync(KeyLayout.Assignment(busy, 0));
        await engine.RunPassAsync();
        await PlaceAsync("blip-1", "950m");
        await engine.RunPassAsync();
        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.Empty(await engine.RunPassAsync());
        Assert.Empty(await FiredEventsAsync());
    }

    [Fact]
    public async Task RunPass_RepeatedFailuresWithinTheWindow_FiresOncePerEpisode()
    {
        await ApplyRuleAsync("crash-loop", "spec: {condition: {events: {type: [RetryTriggered, WorkloadFailed], count: 3, within: 10m, per: workload}}, actions: [{event: {reason: CrashLoop}}]}");
        var engine = Engine();
        async Task FailAsync(string subject, ClusterEventType type = ClusterEventType.RetryTriggered) =>
            await _events.AppendAsync(_events.Create(type, subject, "exited 1"));

        await FailAsync("default/api/0");
        await FailAsync("default/api/1");
        await FailAsync("default/other/0");
        await FailAsync("default/api", ClusterEventType.WorkloadApplied);
        Assert.Empty(await engine.RunPassAsync());
        _time.Advance(TimeSpan.FromMinutes(1));
        await FailAsync("default/api/0", ClusterEventType.WorkloadFailed);
        var first = Assert.Single(await engine.RunPassAsync());
        await FailAsync("default/api/1");
        Assert.Empty(await engine.RunPassAsync());
        Assert.Empty(await Engine().RunPassAsync());

        Assert.Equal(("crash-loop", "default/api", 1), (first.Rule, first.Subject, first.Episode));
        Assert.Equal("3 RetryTriggered/WorkloadFailed events within 10m", first.Seen);

        // The failures age out of the window: the episode ends; three new ones start the second.
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Empty(await engine.RunPassAsync());
        Assert.Equal(RuleEpisodeState.Cleared, (await RuleEngine.EpisodesAsync(_store, default))[("crash-loop", "default/api")].Value.State);
        for (int i = 0; i < 3; i++)
        {
            await FailAsync("default/api/0");
        }
        var second = Assert.Single(await engine.RunPassAsync());
        Assert.Empty(await engine.RunPassAsync());

        Assert.Equal(2, second.Episode);
        var fired = await FiredEventsAsync();
        Assert.Equal(2, fired.Count);
        Assert.All(fired, e => Assert.Equal("default/api", e.Subject));
    }

    [Fact]
    public async Task RunPass_EventsPerNode_CountsOnlyNodeSubjectsAndMayCordon()
    {
        await _store.PutAsync(KeyLayout.Node("flaky-1"), StateSerializer.Serialize(StateFixtures.Node("flaky-1")));
        await ApplyRuleAsync("flaky", "spec: {condition: {events: {type: NodeNotReady, count: 2, within: 1h, per: node}}, actions: [{cordon: {}}]}");
        await _events.AppendAsync(_events.Create(ClusterEventType.NodeNotReady, "flaky-1", "missed heartbeats"));
        await _events.AppendAsync(_events.Create(ClusterEventType.NodeNotReady, "gone-1", "missed heartbeats"));
        await _events.AppendAsync(_events.Create(ClusterEventType.NodeNotReady, "gone-1", "missed heartbeats"));
        Assert.Empty(await Engine().RunPassAsync());

        await _events.AppendAsync(_events.Create(ClusterEventType.NodeNotReady, "flaky-1", "missed heartbeats"));
        var fired = Assert.Single(await Engine().RunPassAsync());

        Assert.Equal("flaky-1", fired.Subject);
        Assert.True(StateSerializer.Read<NodeRecord>((await _store.GetAsync(KeyLayout.Node("flaky-1")))!).Spec.Unschedulable);
    }

    [Fact]
    public async Task RunPass_PoolPastItsBudgetAlertThreshold_FiresOncePerEpisode()
    {
        var pool = FleetSpecs.Pool("us-east") with { Budget = new PoolBudget(100m, "USD", 0.8) };
        await FleetSpecs.StoreAsync(_store, pool, FleetSpecs.NodeClass());
        await FleetSpecs.StoreAsync(_store, FleetSpecs.Pool("eu-west", region: "eu-west") with { Budget = new PoolBudget(100m, "USD", 0.8) }, FleetSpecs.NodeClass());
        await ApplyRuleAsync("budget", "spec: {condition: {poolBudget: {pool: us-east}}, actions: [{event: {reason: PoolOverBudget}}]}");
        // 0.10 an hour a node is 72 over 30 days: one node stays under the 80 alert line, two cross it.
        async Task SizeAsync(string poolName, params string[] nodes) => await _store.PutAsync(KeyLayout.FleetCluster(poolName + "-a"), StateSerializer.Serialize(
            new FleetCluster(poolName + "-a", poolName, poolName, FleetProviderTypes.Simulated, "medium", nodes, FleetClusterPhase.Ready, StateFixtures.T0)));
        var engine = Engine();

        await SizeAsync("us-east", "n1");
        await SizeAsync("eu-west", "e1", "e2");
        Assert.Empty(await engine.RunPassAsync());
        await SizeAsync("us-east", "n1", "n2");
        var first = Assert.Single(await engine.RunPassAsync());
        Assert.Empty(await engine.RunPassAsync());
        Assert.Empty(await Engine().RunPassAsync());
        await SizeAsync("us-east", "n1");
        Assert.Empty(await engine.RunPassAsync());
        await SizeAsync("us-east", "n1", "n2", "n3");
        var second = Assert.Single(await engine.RunPassAsync());

        Assert.Equal(("us-east", 1), (first.Subject, first.Episode));
        Assert.StartsWith("projected 30-day cost 144.00 USD is 144% of the budget 100.00 USD (alert at 80%)", first.Seen, StringComparison.Ordinal);
        Assert.Equal(("us-east", 2), (second.Subject, second.Episode));
        Assert.Equal(2, (await FiredEventsAsync()).Count);
    }

    [Fact]
    public async Task RunPass_RuleWithWebhooks_QueuesOnePendingDeliveryPerFiring()
    {
        await ApplyRuleAsync("crash-loop", "spec: {condition: {events: {type: RetryTriggered, within: 10m}}, actions: [{webhook: {url: 'http://127.0.0.1:1/h', secret: s3cret, maxAttempts: 3}}]}");
        var engine = Engine();
        int queued = 0;
        engine.DeliveriesQueued += (_, _) => queued++;
        await _events.AppendAsync(_events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));

        await engine.RunPassAsync();
        await engine.RunPassAsync();

        var delivery = Assert.Single(await new RuleQueries(_store).DeliveriesAsync());
        Assert.Equal(("crash-loop", "default/api", "crash-loop/default/api/1", WebhookDeliveryState.Pending, 3), (delivery.Rule, delivery.Subject, delivery.Episode, delivery.State, delivery.MaxAttempts));
        Assert.Empty(delivery.Attempts);
        Assert.Equal(1, queued);
    }

    [Fact]
    public async Task RunPass_RuleDeleted_ForgetsItsEpisodes()
    {
        await ApplyRuleAsync("crash-loop", "spec: {condition: {events: {type: RetryTriggered, within: 10m}}, actions: [{event: {reason: X}}]}");
        await _events.AppendAsync(_events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        await Engine().RunPassAsync();
        Assert.NotEmpty(await RuleEngine.EpisodesAsync(_store, default));

        await _store.DeleteAsync(KeyLayout.Object(ObjectKinds.Rules, "", "crash-loop"));
        await Engine().RunPassAsync();

        Assert.Empty(await RuleEngine.EpisodesAsync(_store, default));
    }

    [Fact]
    public async Task Queries_Rules_ShowStateAndHideSecrets()
    {
        await ApplyRuleAsync("crash-loop", "spec: {condition: {events: {type: RetryTriggered, within: 10m}}, actions: [{webhook: {url: 'http://127.0.0.1:1/h', secret: s3cret}}]}");
        await _events.AppendAsync(_events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        await Engine().RunPassAsync();

        var view = Assert.Single(await new RuleQueries(_store).RulesAsync());

        Assert.True(view.Firing);
        Assert.Equal((1, StateFixtures.T0, "default/api"), (view.Episodes, view.LastFired!.Value, view.LastSubject!));
        Assert.Equal(RuleSpec.HiddenSecret, view.Spec.Actions[0].Webhook!.Secret);
        Assert.Equal("1 or more RetryTriggered events per workload within 10m", view.Condition);
    }
}
