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

/// <summary><see cref="FleetRebalancer"/> over the store, fleet clusters from a recording provider and a stand-in agent.</summary>
public sealed class FleetRebalancerTests
{
    private static readonly ResourceList OneCore = ResourceList.Parse((ResourceNames.Cpu, "1"), (ResourceNames.Memory, "1Gi"));

    private sealed record Setup(StateHarness Harness, FleetClusters Clusters, RecordingClusterProvider Provider, FleetRebalancer Rebalancer, WorkloadSpec Api);

    /// <summary>
    /// Pool us-east with two one-node clusters (4 cores each) and fleet workload api (min 3) under a policy that
    /// consolidates under 30%; api's shares are <paramref name="first"/> and <paramref name="second"/> replicas of one core.
    /// </summary>
    private static async Task<(Setup Setup, string First, string Second)> SetUpAsync(int first, int second)
    {
        var h = new StateHarness();
        var pool = FleetSpecs.Pool();
        var nodeClass = FleetSpecs.NodeClass(cores: 4, memoryGi: 16);
        await FleetSpecs.StoreAsync(h.Store, pool, nodeClass);
        var policy = new PlacementPolicySpec("production", LabelSelector.ForLabels(new Dictionary<string, string> { ["app"] = "web" }),
            PolicyRequirements.None, [], ClusterPolicy.Default with { Consolidation = new ConsolidationPolicy(true, 0.3) });
        await h.Store.PutAsync(KeyLayout.Object(ObjectKinds.PlacementPolicies, "", "production"), ObjectKinds.PlacementPolicies.Serialize(policy));

        var provider = new RecordingClusterProvider();
        var clusters = new FleetClusters(h.Store, h.Events, [provider], random: new Random(7));
        var a = await clusters.CreateAsync(pool, nodeClass, 1);
        var b = await clusters.CreateAsync(pool, nodeClass, 1);
        foreach (var node in a.Nodes.Concat(b.Nodes))
        {
            await h.PutAsync(StateFixtures.Node(node, cpu: "4", memory: "16Gi"));
        }

        var api = StateFixtures.Workload("api", replicas: 3) with
        {
            ReplicaRange = new ReplicaRange(3, 6),
            Placement = new FleetPlacement(null, [], [], null, new Dictionary<string, int>()),
        };
        await h.PutAsync(api);
        await h.PutAsync(FleetWorkloads.Derive(api, a.Name, first));
        await h.PutAsync(FleetWorkloads.Derive(api, b.Name, second));
        var decision = new FleetDecision("default", "api", 1, FleetDecisionPhase.Placed,
            [new FleetDecisionShare(pool.Name, pool.Region, a.Name, "medium", first, 0.025m * first, FleetWorkloads.DerivedName("api", a.Name)),
             new FleetDecisionShare(pool.Name, pool.Region, b.Name, "medium", second, 0.025m * second, FleetWorkloads.DerivedName("api", b.Name))],
            "placed by policy production", [], ["production"], 0.025m * (first + second), StateFixtures.T0);
        await h.Store.PutAsync(KeyLayout.FleetDecision(WorkloadKey.Of(api)), FleetState.Serialize(decision));
        var migration = new FleetMigration(h.Store, h.Events, new WorkloadWriter(h.Store, h.Events)) { PollInterval = TimeSpan.FromMilliseconds(10), RunningTimeout = TimeSpan.FromSeconds(20) };
        return (new Setup(h, clusters, provider, new FleetRebalancer(h.Store, h.Events, clusters, migration), api), a.Name, b.Name);
    }

    [Fact]
    public async Task RebalanceAsync_UnderusedCluster_DrainsIntoTheFullerOneWithoutLosingAvailabilityAndDeletesIt()
    {
        var (setup, underused, fuller) = await SetUpAsync(first: 1, second: 2);
        await using var h = setup.Harness;
        await using var agent = await StandInAgent.StartAsync(h.Store, "api", requests: OneCore);

        var outcome = await setup.Rebalancer.RebalanceAsync();

        var trigger = Assert.Single(outcome.Triggers);
        Assert.Equal((RebalanceTriggerKind.Consolidation, underused, fuller), (trigger.Kind, trigger.Cluster, trigger.Into));
        Assert.Equal([underused], outcome.DeletedClusters);
        Assert.True(outcome.Migrations["default/api"].Completed, outcome.Migrations["default/api"].Message);
        Assert.Equal(new Dictionary<string, int> { [fuller] = 3 }, await new FleetMigration(h.Store, h.Events, new WorkloadWriter(h.Store, h.Events)).SharesAsync(setup.Api));
        Assert.Null(await setup.Clusters.FindAsync(underused));
        Assert.Contains($"delete {underused}", setup.Provider.Calls);
        Assert.True(agent.FewestRunning >= 3, $"only {agent.FewestRunning} replica(s) Running at one point");
        Assert.Contains(await h.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.FleetRebalanceTriggered && e.Subject == underused);
        var decision = StateSerializer.Read<FleetDecision>((await h.Store.GetAsync(KeyLayout.FleetDecision(WorkloadKey.Of(setup.Api))))!);
        var share = Assert.Single(decision.Shares);
        Assert.Equal((fuller, 3, 0.075m, 1L), (share.Cluster, share.Replicas, decision.HourlyCost, decision.WorkloadRevision));
    }

    [Fact]
    public async Task RebalanceAsync_NoClusterUnderThreshold_NoTriggerAndNothingMoves()
    {
        var (setup, _, _) = await SetUpAsync(first: 2, second: 2);
        await using var h = setup.Harness;
        await using var agent = await StandInAgent.StartAsync(h.Store, "api", requests: OneCore);

        var outcome = await setup.Rebalancer.RebalanceAsync();

        Assert.Empty(outcome.Triggers);
        Assert.Empty(outcome.Migrations);
        Assert.Equal(2, (await setup.Clusters.ListAsync()).Count);
    }

    [Fact]
    public async Task RebalanceAsync_OtherWorkloadOnly_LeavesTheUnderusedClusterAlone()
    {
        var (setup, _, _) = await SetUpAsync(first: 1, second: 2);
        await using var h = setup.Harness;
        var other = StateFixtures.Workload("other") with { Placement = new FleetPlacement(null, [], [], null, new Dictionary<string, int>()) };
        await h.PutAsync(other);

        var outcome = await setup.Rebalancer.RebalanceAsync(WorkloadKey.Of(other));

        Assert.Empty(outcome.Triggers);
        Assert.Equal(2, (await setup.Clusters.ListAsync()).Count);
    }
}
