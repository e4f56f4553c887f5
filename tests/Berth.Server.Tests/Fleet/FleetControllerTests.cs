using System.Text.Json;
using Berth.Core.Fleet;
using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Store;
using Berth.Server.Fleet;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Fleet;

public sealed class FleetControllerTests : IAsyncDisposable
{
    private readonly StateHarness _state = new();
    private readonly RecordingClusterProvider _provider = new();
    private readonly FleetController _controller;

    public FleetControllerTests()
    {
        var clusters = new FleetClusters(_state.Store, _state.Events, [_provider], random: new Random(7));
        _controller = new FleetController(_state.Store, _state.Events, clusters);
    }

    public ValueTask DisposeAsync() => _state.DisposeAsync();

    private static PoolSpec Pool(string name, string[] compliance, PoolBudget? budget = null) =>
        FleetSpecs.Pool(name, region: name) with { Compliance = compliance, Budget = budget };

    private static PlacementPolicySpec ProductionPolicy() =>
        new("production-policy", LabelSelector.ForLabels(new Dictionary<string, string> { ["env"] = "production" }),
            new PolicyRequirements(2, ["soc2"], new FleetSpreadConstraint("region", 1)),
            [new PolicyPreference(50, PoolSortKey.Cost, SortOrder.Ascending)],
            new ClusterPolicy(1, 20, 0.8, ConsolidationPolicy.Disabled));

    private static WorkloadSpec ApiGateway(int replicas = 3) =>
        StateFixtures.Workload("api-gateway", replicas, cpu: "2", memory: "4Gi") with
        {
            Labels = new Dictionary<string, string> { ["env"] = "production" },
            Placement = new FleetPlacement(null, ["us-east", "eu-west"], ["gdpr"], new FleetResources(2, 4), new Dictionary<string, int>()),
        };

    private async Task StoreAsync<T>(string plural, string name, T spec) =>
        await _state.Store.PutAsync($"{KeyLayout.ObjectsPrefix}{plural}/{name}", JsonSerializer.SerializeToUtf8Bytes(spec, StateSerializer.Options.GetTypeInfo(typeof(T))));

    private async Task FleetAsync(PoolBudget? usEastBudget = null)
    {
        await StoreAsync("nodeclasses", "medium", FleetSpecs.NodeClass());
        await StoreAsync("pools", "us-east", Pool("us-east", ["soc2", "gdpr"], usEastBudget));
        await StoreAsync("pools", "eu-west", Pool("eu-west", ["soc2", "gdpr"]));
        await StoreAsync("pools", "ap-south", Pool("ap-south", ["soc2"]));
        await StoreAsync("placementpolicies", "production-policy", ProductionPolicy());
    }

    private async Task<List<WorkloadSpec>> WorkloadsAsync()
    {
        var range = await _state.Store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix));
        return [.. range.Kvs.Select(StateSerializer.Read<WorkloadSpec>)];
    }

    [Fact]
    public async Task RunPassAsync_RequiredRegionsAndGdpr_WritesDerivedWorkloadsAndDecision()
    {
        await FleetAsync();
        await _state.PutAsync(ApiGateway());

        var decision = Assert.Single(await _controller.RunPassAsync());

        Assert.Equal(FleetDecisionPhase.Placed, decision.Phase);
        Assert.Equal([("eu-west", 2), ("us-east", 1)], decision.Shares.Select(s => (s.Pool, s.Replicas)).Order());
        Assert.Equal("ap-south: no gdpr compliance label", Assert.Single(decision.Rejected).ToString());
        Assert.StartsWith("Placed in ", decision.Reason);
        Assert.Contains("per requiredRegions [us-east, eu-west]", decision.Reason);
        // Half a 0.10/h node per replica: 3 × 0.05.
        Assert.Equal(0.15m, decision.HourlyCost);
        var derived = (await WorkloadsAsync()).Where(w => w.Labels.GetValueOrDefault(FleetLabels.FleetWorkload) == "api-gateway").ToList();
        Assert.Equal(2, derived.Count);
        foreach (var share in decision.Shares)
        {
            var spec = Assert.Single(derived, d => d.Name == share.Workload);
            Assert.Equal(FleetWorkloads.DerivedName("api-gateway", share.Cluster), spec.Name);
            Assert.Equal(share.Cluster, spec.NodeSelector[FleetLabels.Cluster]);
            Assert.Equal(share.Replicas, spec.Replicas);
            Assert.Null(spec.Placement);
            Assert.StartsWith(share.Pool + "-", share.Cluster);
        }
        Assert.Equal(2, _provider.Calls.Count(c => c.StartsWith("create ", StringComparison.Ordinal)));
        var events = await _state.Events.ReadAfterAsync(0);
        Assert.Single(events, e => e.Type == ClusterEventType.FleetPlaced && e.Subject == "default/api-gateway");
    }

    [Fact]
    public async Task RunPassAsync_AlreadyPlaced_WritesNothingMore()
    {
        await FleetAsync();
        await _state.PutAsync(ApiGateway());
        await _controller.RunPassAsync();
        var before = await _state.DumpAsync();

        var second = await _controller.RunPassAsync();

        Assert.Empty(second);
        Assert.Equal(before, await _state.DumpAsync());
    }

    [Fact]
    public async Task RunPassAsync_NoPoolQualifies_WritesPendingDecisionWithReasonOnce()
    {
        await FleetAsync();
        await _state.PutAsync(ApiGateway() with { Placement = ApiGateway().Placement! with { RequiredRegions = ["us-east", "ap-south"] } });

        var decision = Assert.Single(await _controller.RunPassAsync());
        var again = await _controller.RunPassAsync();

        Assert.Equal(FleetDecisionPhase.Pending, decision.Phase);
        Assert.Equal("placement.requiredRegions names ap-south but no pool there can take a replica (ap-south: no gdpr compliance label)", decision.Reason);
        Assert.Empty(again);
        Assert.DoesNotContain(await WorkloadsAsync(), w => w.Labels.ContainsKey(FleetLabels.FleetWorkload));
    }

    [Fact]
    public async Task RunPassAsync_FleetWorkloadDeleted_RemovesDerivedWorkloadsAndDecision()
    {
        await FleetAsync();
        await _state.PutAsync(ApiGateway());
        await _controller.RunPassAsync();

        await _state.Store.DeleteAsync(KeyLayout.Workload(new WorkloadKey("default", "api-gateway")));
        await _controller.RunPassAsync();

        Assert.Empty(await WorkloadsAsync());
        Assert.Null(await _state.Store.GetAsync(KeyLayout.FleetDecision(new WorkloadKey("default", "api-gateway"))));
    }

    [Fact]
    public async Task RunPassAsync_PoolCrossesAlertThreshold_RaisesHookAndEventOnce()
    {
        // One 0.10/h node projects 72 a month: 90% of a budget of 80, past 0.5.
        await FleetAsync(new PoolBudget(80m, "USD", 0.5));
        var alerts = new List<PoolBudgetAlert>();
        _controller.BudgetThresholdCrossed += (_, alert) => alerts.Add(alert);
        await _state.PutAsync(ApiGateway());

        await _controller.RunPassAsync();
        await _controller.RunPassAsync();

        var alert = Assert.Single(alerts);
        Assert.Equal("us-east", alert.Pool);
        Assert.Equal(72m, alert.Usage.Projected30DayCost);
        var events = await _state.Events.ReadAfterAsync(0);
        var budgetEvent = Assert.Single(events, e => e.Type == ClusterEventType.FleetBudgetAlert);
        Assert.Equal(FleetPlacementMessages.BudgetAlert(alert), budgetEvent.Message);
    }

    [Fact]
    public async Task RunPassAsync_OverBudgetPool_IsRejectedWithReason()
    {
        await FleetAsync(new PoolBudget(50m, "USD", 0.8));
        await _state.PutAsync(ApiGateway());

        var decision = Assert.Single(await _controller.RunPassAsync());

        Assert.Equal(FleetDecisionPhase.Pending, decision.Phase);
        Assert.Contains("us-east: over budget: the pool's projected month would be 72.00 USD, above budget.maxMonthlyCost 50.00 USD", decision.Reason);
    }

    [Fact]
    public async Task RunPassAsync_WorkloadScaled_PlansAgainWithTheNewCount()
    {
        await FleetAsync();
        await _state.PutAsync(ApiGateway(3));
        await _controller.RunPassAsync();

        await _state.PutAsync(ApiGateway(5));
        var decision = Assert.Single(await _controller.RunPassAsync());

        Assert.Equal(5, decision.Shares.Sum(s => s.Replicas));
        var derived = (await WorkloadsAsync()).Where(w => w.Labels.ContainsKey(FleetLabels.FleetWorkload)).ToList();
        Assert.Equal(5, derived.Sum(w => w.Replicas));
    }

    [Fact]
    public async Task RunPassAsync_PendingThenPoolApplied_PlacesOnTheNextPass()
    {
        await StoreAsync("nodeclasses", "medium", FleetSpecs.NodeClass());
        await StoreAsync("pools", "us-east", Pool("us-east", ["soc2", "gdpr"]));
        await StoreAsync("placementpolicies", "production-policy", ProductionPolicy());
        await _state.PutAsync(ApiGateway());
        Assert.Equal(FleetDecisionPhase.Pending, Assert.Single(await _controller.RunPassAsync()).Phase);

        await StoreAsync("pools", "eu-west", Pool("eu-west", ["soc2", "gdpr"]));
        var decision = Assert.Single(await _controller.RunPassAsync());

        Assert.Equal(FleetDecisionPhase.Placed, decision.Phase);
        Assert.Equal(["eu-west", "us-east"], decision.Shares.Select(s => s.Pool).Order());
    }
}
