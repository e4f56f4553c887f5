using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Api;
using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Fleet;

/// <summary>
/// Rebalance triggers that move a fleet workload to another pool (compliance lost, budget exceeded, capacity exhausted,
/// manual): <see cref="FleetRebalancer"/> with <see cref="FleetController"/> as its placement, a recording provider and a
/// stand-in agent that runs the derived workloads' replicas.
/// </summary>
public sealed class FleetRelocationTests : IAsyncDisposable
{
    private static readonly ResourceList OneCore = ResourceList.Parse((ResourceNames.Cpu, "1"), (ResourceNames.Memory, "1Gi"));

    private readonly StateHarness _h = new();
    private readonly RecordingClusterProvider _provider = new();
    private readonly FleetClusters _clusters;
    private readonly FleetController _controller;
    private readonly FleetMigration _migration;
    private readonly FleetRebalancer _rebalancer;

    public FleetRelocationTests()
    {
        _clusters = new FleetClusters(_h.Store, _h.Events, [_provider], random: new Random(7));
        _controller = new FleetController(_h.Store, _h.Events, _clusters);
        _migration = new FleetMigration(_h.Store, _h.Events, new WorkloadWriter(_h.Store, _h.Events))
        {
            PollInterval = TimeSpan.FromMilliseconds(10),
            RunningTimeout = TimeSpan.FromSeconds(20),
        };
        _rebalancer = new FleetRebalancer(_h.Store, _h.Events, _clusters, _migration) { Placement = _controller };
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>A gdpr pool of one region; equal in cost, so placement picks eu-west (first by name) until it is ruled out.</summary>
    private static PoolSpec Pool(string name, PoolBudget? budget = null, PoolCapacity? capacity = null, string tier = "gold") =>
        FleetSpecs.Pool(name, region: name) with
        {
            Compliance = ["gdpr"],
            Budget = budget,
            Capacity = capacity ?? PoolCapacity.Unlimited,
            Labels = new Dictionary<string, string> { ["tier"] = tier },
        };

    /// <summary>Fleet workload api: 3 replicas of one core, never fewer than 3, needing gdpr and a gold pool.</summary>
    private static WorkloadSpec Api() =>
        StateFixtures.Workload("api", replicas: 3) with
        {
            ReplicaRange = new ReplicaRange(3, 6),
            Placement = new FleetPlacement(LabelSelector.ForLabels(new Dictionary<string, string> { ["tier"] = "gold" }), [], ["gdpr"],
                new FleetResources(1, 1), new Dictionary<string, int>()),
        };

    private Task ApplyAsync(PoolSpec pool) =>
        _h.Store.PutAsync(KeyLayout.Object(ObjectKinds.Pools, "", pool.Name), ObjectKinds.Pools.Serialize(pool));

    /// <summary>Stores the node class and pools, places api (in eu-west) and returns its cluster there.</summary>
    private async Task<string> PlaceAsync(PoolSpec euWest, PoolSpec? usEast = null)
    {
        await FleetSpecs.StoreAsync(_h.Store, euWest, FleetSpecs.NodeClass(cores: 4, memoryGi: 16));
        await ApplyAsync(usEast ?? Pool("us-east"));
        await _h.PutAsync(Api());
        var decision = Assert.Single(await _controller.RunPassAsync());
        var share = Assert.Single(decision.Shares);
        Assert.Equal(("eu-west", 3), (share.Pool, share.Replicas));
        return share.Cluster;
    }

    private async Task<FleetDecision> DecisionAsync() =>
        StateSerializer.Read<FleetDecision>((await _h.Store.GetAsync(KeyLayout.FleetDecision(new WorkloadKey("default", "api"))))!);

    /// <summary>Asserts api now runs its 3 replicas in one us-east cluster, the old cluster is gone and its decision says so.</summary>
    private async Task AssertMovedToUsEastAsync(FleetRebalanceOutcome outcome, string old, string why)
    {
        var result = outcome.Migrations["default/api"];
        Assert.True(result.Completed, result.Message);
        var (cluster, replicas) = Assert.Single(await _migration.SharesAsync(Api()));
        Assert.Equal(("us-east", 3), ((await _clusters.FindAsync(cluster))!.Pool, replicas));
        Assert.Equal([old], outcome.DeletedClusters);
        Assert.Null(await _clusters.FindAsync(old));
        Assert.Contains($"delete {old}", _provider.Calls);
        var decision = await DecisionAsync();
        var share = Assert.Single(decision.Shares);
        Assert.Equal(("us-east", cluster, 3, FleetDecisionPhase.Placed), (share.Pool, share.Cluster, share.Replicas, decision.Phase));
        Assert.Contains(why, decision.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Moved (", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(decision.Rejected, r => r.Pool == "eu-west");
        var events = await _h.Events.ReadAfterAsync(0);
        Assert.Contains(events, e => e.Type == ClusterEventType.FleetRebalanceTriggered && e.Subject == "eu-west" && e.Message.Contains(why, StringComparison.Ordinal));
        Assert.Contains(events, e => e.Type == ClusterEventType.FleetMigrationStarted && e.Message.Contains(why, StringComparison.Ordinal));
        Assert.Contains(events, e => e.Type == ClusterEventType.FleetMigrationCompleted && e.Subject == "default/api");
        // The move is the decision now: the controller's next pass leaves it alone.
        Assert.Empty(await _controller.RunPassAsync());
        Assert.Equal(cluster, Assert.Single(await _migration.SharesAsync(Api())).Key);
    }

    [Fact]
    public async Task RebalanceAsync_PoolLosesComplianceLabel_MovesReplicasToACompliantPoolWithoutLosingAvailability()
    {
        var old = await PlaceAsync(Pool("eu-west"));
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", requests: OneCore);

        await ApplyAsync(Pool("eu-west") with { Compliance = [] });
        var outcome = await _rebalancer.RebalanceAsync();

        var trigger = Assert.Single(outcome.Triggers);
        Assert.Equal((RebalanceTriggerKind.ComplianceLost, "eu-west"), (trigger.Kind, trigger.Pool));
        Assert.Empty(outcome.Unhandled);
        await AssertMovedToUsEastAsync(outcome, old, "pool eu-west no longer has compliance gdpr required by default/api");
        Assert.True(agent.FewestRunning >= 3, $"only {agent.FewestRunning} replica(s) Running at one point");
    }

    [Fact]
    public async Task RebalanceAsync_PoolOverItsBudget_MovesReplicasToAnotherPoolWithoutLosingAvailability()
    {
        // One 0.10/h node projects 72 over 30 days: within 100, over 50.
        var old = await PlaceAsync(Pool("eu-west", new PoolBudget(100m, "USD", 0.8)));
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", requests: OneCore);

        await ApplyAsync(Pool("eu-west", new PoolBudget(50m, "USD", 0.8)));
        var outcome = await _rebalancer.RebalanceAsync();

        Assert.Equal((RebalanceTriggerKind.BudgetExceeded, "eu-west"), (outcome.Triggers[0].Kind, outcome.Triggers[0].Pool));
        await AssertMovedToUsEastAsync(outcome, old, "pool eu-west projects 72");
        Assert.True(agent.FewestRunning >= 3, $"only {agent.FewestRunning} replica(s) Running at one point");
    }

    [Fact]
    public async Task RebalanceAsync_FullPoolWithReplicasNotRunning_MovesThemToAPoolWithRoom()
    {
        var old = await PlaceAsync(Pool("eu-west", capacity: new PoolCapacity(1, null, null)));
        // The full pool's replicas never start; the move must bring them up elsewhere.
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", stuckCluster: old, requests: OneCore);
        _rebalancer.StartupGrace = TimeSpan.Zero;

        var outcome = await _rebalancer.RebalanceAsync();

        var trigger = Assert.Single(outcome.Triggers);
        Assert.Equal((RebalanceTriggerKind.CapacityExhausted, "eu-west"), (trigger.Kind, trigger.Pool));
        await AssertMovedToUsEastAsync(outcome, old, "pool eu-west is at its nodes limit (1 of 1) with 3 replica(s) not running");
        var (cluster, _) = Assert.Single(await _migration.SharesAsync(Api()));
        Assert.Equal(3, await _migration.RunningAsync(new WorkloadKey("default", FleetWorkloads.DerivedName("api", cluster))));
    }

    [Fact]
    public async Task RebalanceAsync_FullPoolJustPlaced_WaitsForItsReplicasToStart()
    {
        var old = await PlaceAsync(Pool("eu-west", capacity: new PoolCapacity(1, null, null)));
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", stuckCluster: old, requests: OneCore);

        var outcome = await _rebalancer.RebalanceAsync();

        Assert.Equal(RebalanceTriggerKind.CapacityExhausted, Assert.Single(outcome.Triggers).Kind);
        Assert.Empty(outcome.Migrations);
        Assert.Contains("its replicas may still be starting", Assert.Single(outcome.Unhandled), StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, int> { [old] = 3 }, await _migration.SharesAsync(Api()));
        Assert.Single(await _clusters.ListAsync());
    }

    [Fact]
    public async Task RebalanceAsync_NoOtherPoolQualifies_LeavesTheWorkloadWhereItIsAndSaysWhy()
    {
        var old = await PlaceAsync(Pool("eu-west"), usEast: Pool("us-east") with { Compliance = [] });
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", requests: OneCore);
        var clustersBefore = (await _clusters.ListAsync()).Select(c => c.Name).ToList();

        await ApplyAsync(Pool("eu-west") with { Compliance = [] });
        var outcome = await _rebalancer.RebalanceAsync();

        Assert.Empty(outcome.Migrations);
        var unhandled = Assert.Single(outcome.Unhandled);
        Assert.StartsWith("default/api: not moved (pool eu-west no longer has compliance gdpr", unhandled, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, int> { [old] = 3 }, await _migration.SharesAsync(Api()));
        Assert.Equal(clustersBefore, (await _clusters.ListAsync()).Select(c => c.Name).ToList());
        Assert.Contains(await _h.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.FleetMigrationFailed && e.Message == unhandled);
    }

    [Fact]
    public async Task RebalanceAsync_ManualForWorkloadWhosePoolNoLongerMatchesItsSelector_MovesIt()
    {
        var old = await PlaceAsync(Pool("eu-west"));
        await using var agent = await StandInAgent.StartAsync(_h.Store, "api", requests: OneCore);
        await ApplyAsync(Pool("eu-west", tier: "silver"));

        var automatic = await _rebalancer.RebalanceAsync();
        Assert.Empty(automatic.Triggers);

        var outcome = await _rebalancer.RebalanceAsync(new WorkloadKey("default", "api"));

        var trigger = Assert.Single(outcome.Triggers);
        Assert.Equal((RebalanceTriggerKind.Manual, "eu-west"), (trigger.Kind, trigger.Pool));
        await AssertMovedToUsEastAsync(outcome, old, "rebalance of default/api requested; its pools no longer qualify: eu-west: ");
        Assert.True(agent.FewestRunning >= 3, $"only {agent.FewestRunning} replica(s) Running at one point");
    }

    [Fact]
    public async Task RebalanceAsync_ManualForWorkloadWhosePoolsStillQualify_MovesNothing()
    {
        var old = await PlaceAsync(Pool("eu-west"));

        var outcome = await _rebalancer.RebalanceAsync(new WorkloadKey("default", "api"));

        Assert.Empty(outcome.Triggers);
        Assert.Empty(outcome.Migrations);
        Assert.Equal(new Dictionary<string, int> { [old] = 3 }, await _migration.SharesAsync(Api()));
    }
}
