using System.Net;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Fleet.Hierarchy;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Fleet.Hierarchy;

/// <summary>A root and two region control planes in this process: the root's view of all pools, delegation, escalation, a cut-off region.</summary>
public sealed class FleetHierarchyTests : IAsyncLifetime
{
    private static readonly RegionLinkOptions Fast = new() { ReportInterval = TimeSpan.FromMilliseconds(100), DisconnectedAfter = TimeSpan.FromMilliseconds(600) };

    private RunningServer _root = null!;
    private RunningServer _euWest = null!;
    private RunningServer _apSouth = null!;

    public async Task InitializeAsync()
    {
        _root = await StartRootAsync("127.0.0.1:0");
        _euWest = await StartChildAsync("eu-west");
        _apSouth = await StartChildAsync("ap-south");
        await RegionFixtures.PutPoolAsync(_euWest.Host.Store, RegionFixtures.Pool("eu-west-1", "eu-west", "gdpr"));
        await RegionFixtures.PutNodeClassAsync(_euWest.Host.Store, RegionFixtures.NodeClass());
        await RegionFixtures.PutPoolAsync(_apSouth.Host.Store, RegionFixtures.Pool("ap-south-1", "ap-south", "soc2"));
        await RegionFixtures.PutNodeClassAsync(_apSouth.Host.Store, RegionFixtures.NodeClass());
        await RunningServer.WaitForAsync(() => Regions(_root).RemotePoolsAsync(), p => p.Count == 2, "both children's pools at the root");
    }

    public async Task DisposeAsync()
    {
        await _apSouth.DisposeAsync();
        await _euWest.DisposeAsync();
        await _root.DisposeAsync();
    }

    private static Task<RunningServer> StartRootAsync(string listen) =>
        RunningServer.StartAsync(o => o with { Listen = listen, GrpcListen = "127.0.0.1:0", Region = "global", RegionLink = Fast });

    private Task<RunningServer> StartChildAsync(string region) =>
        RunningServer.StartAsync(o => o with { Region = region, Parent = _root.Host.Address.ToString(), RegionLink = Fast });

    private static FleetHierarchy Hierarchy(RunningServer server) => server.Host.Services.GetRequiredService<FleetHierarchy>();

    private static FleetRegions Regions(RunningServer server) => server.Host.Services.GetRequiredService<FleetRegions>();

    private static RegionLink Link(RunningServer server) => server.Host.Services.GetRequiredService<RegionLink>();

    private static WorkloadSpec FleetWorkload(string name, string[] compliance, string[]? requiredRegions = null, int replicas = 2) =>
        StateFixtures.Workload(name, replicas) with
        {
            Placement = new FleetPlacement(null, requiredRegions ?? [], compliance, new FleetResources(1, 1), new Dictionary<string, int>()),
        };

    private static async Task<WorkloadSpec?> StoredAsync(RunningServer server, string name)
    {
        var kv = await server.Host.Store.GetAsync(KeyLayout.Workload(new WorkloadKey(WorkloadSpec.DefaultNamespace, name)));
        return kv is null ? null : StateSerializer.Read<WorkloadSpec>(kv);
    }

    private static async Task<IReadOnlyList<ClusterEvent>> EventsAsync(RunningServer server) =>
        await server.Host.Services.GetRequiredService<EventLog>().ReadAfterAsync(0);

    private static FleetPlanRequest Request(WorkloadSpec workload) => new(workload, [], [], [], [], []);

    [Fact]
    public async Task ScopeAsync_Root_PlansOverChildrensPoolsAndExplainsTheRejectedOne()
    {
        var workload = FleetWorkload("api", ["gdpr"]);

        var plan = FleetPlanner.Plan(await Hierarchy(_root).ScopeAsync(Request(workload)));

        Assert.True(plan.Placed, plan.Reason);
        var share = Assert.Single(plan.Shares);
        Assert.Equal("eu-west-1", share.Pool);
        Assert.Equal(2, share.Replicas);
        var rejected = Assert.Single(plan.Rejected);
        Assert.Equal("ap-south-1", rejected.Pool);
        Assert.Contains("gdpr", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("eu-west", (await Hierarchy(_root).OwnerOfPoolAsync("eu-west-1"))?.Region);
    }

    [Fact]
    public async Task DelegateAsync_ShareOfChildsPool_AppliedOnChildPinnedToThePool()
    {
        var workload = FleetWorkload("api", ["gdpr"], requiredRegions: ["eu-west"], replicas: 3);
        var owner = (await Hierarchy(_root).OwnerOfPoolAsync("eu-west-1"))!;

        await Hierarchy(_root).DelegateAsync(workload, "eu-west-1", 2, owner);

        var delegated = await StoredAsync(_euWest, "api");
        Assert.NotNull(delegated);
        Assert.Equal(2, delegated.Replicas);
        Assert.Equal("global", delegated.Labels[HierarchyLabels.DelegatedFrom]);
        Assert.Equal("eu-west-1", delegated.Labels[HierarchyLabels.DelegatedPool]);
        Assert.Empty(delegated.Placement!.RequiredRegions);
        Assert.Equal(["gdpr"], delegated.Placement.Compliance);
        Assert.Null(await StoredAsync(_apSouth, "api"));
        var scoped = await Hierarchy(_euWest).ScopeAsync(Request(delegated) with { Pools = [RegionFixtures.Pool("eu-west-1", "eu-west", "gdpr"), RegionFixtures.Pool("eu-west-2", "eu-west", "gdpr")] });
        Assert.Equal(["eu-west-1"], scoped.Pools.Select(p => p.Name));
        Assert.Equal(EscalationResult.None, (await Hierarchy(_euWest).UnplacedAsync(delegated, 1)).Result);
        Assert.Contains(await EventsAsync(_root), e => e.Type == ClusterEventType.FleetDelegated && e.Message == RegionMessages.Delegated("default/api", 2, "eu-west-1", "eu-west"));
    }

    [Fact]
    public async Task UnplacedAsync_ConnectedRegion_EscalatesOncePerRevisionToTheParent()
    {
        await RunningServer.WaitForAsync(() => Task.FromResult(Link(_apSouth).State), s => s == ParentLinkState.Connected, "ap-south connected");
        var workload = FleetWorkload("db", ["gdpr"]);

        var first = await Hierarchy(_apSouth).UnplacedAsync(workload, 7);
        var again = await Hierarchy(_apSouth).UnplacedAsync(workload, 7);

        Assert.Equal(EscalationResult.Escalated, first.Result);
        Assert.Equal(first, again);
        var escalated = await StoredAsync(_root, "db");
        Assert.Equal("ap-south", escalated?.Labels[HierarchyLabels.EscalatedFrom]);
        Assert.Single(await EventsAsync(_apSouth), e => e.Type == ClusterEventType.FleetEscalated);
        // At the root the escalated workload is planned over every pool and lands in eu-west's.
        var plan = FleetPlanner.Plan(await Hierarchy(_root).ScopeAsync(Request(escalated!)));
        Assert.Equal("eu-west-1", Assert.Single(plan.Shares).Pool);
    }

    [Fact]
    public async Task UnplacedAsync_RegionCutOff_RefusesUnknownRegionsWaitsOtherwiseAndEscalatesOnReconnect()
    {
        var port = _root.Host.Address.Port;
        await _root.DisposeAsync();
        await RunningServer.WaitForAsync(() => Task.FromResult(Link(_euWest).State), s => s == ParentLinkState.CutOff, "eu-west cut off");
        var needsUsEast = FleetWorkload("web", [], requiredRegions: ["us-east", "eu-west"]);
        var fitsNowhere = FleetWorkload("batch", ["hipaa"], requiredRegions: ["eu-west"]);

        var refused = await Hierarchy(_euWest).UnplacedAsync(needsUsEast, 3);
        var waiting = await Hierarchy(_euWest).UnplacedAsync(fitsNowhere, 4);

        Assert.Equal(EscalationResult.Refused, refused.Result);
        Assert.StartsWith("default/web refused: it requires region us-east, which region eu-west does not know (it knows eu-west), and its parent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(EscalationResult.Waiting, waiting.Result);
        Assert.Contains("waits and is escalated when the parent answers", waiting.Message, StringComparison.Ordinal);

        _root = await StartRootAsync($"127.0.0.1:{port}");
        await RunningServer.WaitForAsync(() => Task.FromResult(Link(_euWest).State), s => s == ParentLinkState.Connected, "eu-west reconnected");
        var retried = await Hierarchy(_euWest).UnplacedAsync(needsUsEast, 3);

        Assert.Equal(EscalationResult.Escalated, retried.Result);
        Assert.NotNull(await StoredAsync(_root, "web"));
    }

    [Fact]
    public async Task AcceptEscalation_WorkloadWithoutSendersLabel_RefusedWith400AndNothingStored()
    {
        using var content = new ByteArrayContent(StateSerializer.Serialize(FleetWorkload("rogue", [])));
        content.Headers.ContentType = new("application/json");

        using var response = await _root.Http.PostAsync(_root.Url("v1/fleet/escalations?from=eu-west"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(RegionMessages.HandedWorkloadUnlabelled("default/rogue", HierarchyLabels.EscalatedFrom, "eu-west"), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await StoredAsync(_root, "rogue"));
    }
}
