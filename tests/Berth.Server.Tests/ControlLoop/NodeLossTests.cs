using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Nodes;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.ControlLoop;

/// <summary>
/// The failure model of DESIGN.md in process: three nodes, a three-replica workload, one node goes silent →
/// NotReady after one grace, lost after the second, and its replica is placed on a node that is still alive.
/// </summary>
public sealed class NodeLossTests
{
    private static NodeSpec Node(string name, string zone) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name, [WellKnownLabels.Zone] = zone }, [],
            ResourceList.Parse(("cpu", "4"), ("memory", "8Gi"), ("pods", "110")));

    [Fact]
    public async Task ReplicasOfALostNode_ArePlacedOnNodesStillAlive_AndEveryStepIsAnEvent()
    {
        await using var state = new StateHarness();
        var clock = new ManualTimeProvider(StateFixtures.T0);
        var events = new EventLog(state.Store, clock, "server");
        var nodes = new NodeManager(state.Store, events, time: clock);
        using var placer = new WorkloadPlacer(state.Store, events);
        foreach (var (name, zone) in new[] { ("n1", "a"), ("n2", "b"), ("n3", "c") })
        {
            await nodes.RegisterAsync(Node(name, zone));
        }
        // One replica per zone: the spread constraint makes the placement deterministic. nodeTaintsPolicy Honor leaves
        // the lost node's zone out of the count once it carries the not-ready taint; with Ignore, the empty zone c would
        // hold the skew and the replica would (rightly, as in Kubernetes) stay unschedulable.
        var web = StateFixtures.Workload("web", replicas: 3, cpu: "1") with
        {
            TopologySpreadConstraints =
            [
                new TopologySpreadConstraint(1, WellKnownLabels.Zone, UnsatisfiableConstraintAction.DoNotSchedule,
                    LabelSelector.ForLabels(new Dictionary<string, string> { ["app"] = "web" }), null, NodeInclusionPolicy.Honor, NodeInclusionPolicy.Honor, []),
            ],
        };
        await state.PutAsync(web);
        await placer.PlaceAllAsync(CancellationToken.None);
        var before = await state.Reader.ReadAsync();
        Assert.Equal(["n1", "n2", "n3"], before.Assignments.Select(a => a.Value.Node).Order(StringComparer.Ordinal));

        // n3 goes silent; n1 and n2 keep beating.
        for (int second = 5; second <= 30; second += 5)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await nodes.HeartbeatAsync("n1");
            await nodes.HeartbeatAsync("n2");
            await nodes.CheckAsync();
        }
        await placer.PlaceAllAsync(CancellationToken.None);

        var after = await state.Reader.ReadAsync();
        var placedOn = after.Assignments.Select(a => a.Value.Node).ToList();
        Assert.Equal(3, placedOn.Count);
        Assert.DoesNotContain("n3", placedOn);
        var types = (await events.ReadAfterAsync(0, 0)).Select(e => e.Type).ToList();
        Assert.Single(types, ClusterEventType.NodeNotReady);
        Assert.Single(types, ClusterEventType.NodeLost);
        Assert.Contains(ClusterEventType.ReplicaReleased, types);
        Assert.Equal(3, types.Count(t => t == ClusterEventType.WorkloadScheduled));
        // The replica placed again moved: its event names the lost node and the new one.
        var moved = Assert.Single(await events.ReadAfterAsync(0, 0), e => e.Type == ClusterEventType.Rescheduled);
        var replica = after.Assignments.Single(a => a.Value.Node != before.Assignments.Single(b => b.Value.Replica == a.Value.Replica).Value.Node).Value;
        Assert.Equal($"default/web/{replica.Replica}", moved.Subject);
        Assert.StartsWith($"replica default/web/{replica.Replica} moved from node n3 to node {replica.Node}: ", moved.Message, StringComparison.Ordinal);
        Assert.Empty((await state.Store.RangeAsync(KeyRange.Prefix(KeyLayout.ReleasedOf(WorkloadKey.Of(web))))).Kvs);
    }
}
