using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Placement;

/// <summary>
/// The applier's promise under optimistic concurrency, as a property over seeded random clusters: whatever plans
/// arrive at once, from however stale a view and through however many appliers, what is committed never over-books a
/// node, never breaks a required anti-affinity, and places each replica once.
/// </summary>
public sealed class ConcurrentPlanningTests
{
    private const int Cases = 30;

    [Fact]
    public async Task Apply_RandomConcurrentPlansFromOneStaleView_NeverOverbookNorPlaceAReplicaTwice()
    {
        for (int seed = 1; seed <= Cases; seed++)
        {
            var random = new Random(seed);
            await using var h = new StateHarness();
            var (nodes, workloads) = await SeedAsync(h, random);
            var state = await h.Reader.ReadAsync();
            // Two appliers, as a deposed and a new leader might briefly be: their commits are ordered by the guards alone.
            using var second = new AssignmentApplier(h.Store, new EventLog(h.Store, writer: "second"));
            var plans = new List<Task<ApplyResult>>();
            foreach (var workload in workloads)
            {
                // Every plan is made from the same view, choosing nodes at random: most of them conflict.
                for (int copy = 0; copy < 2; copy++)
                {
                    var replicas = Enumerable.Range(0, workload.Replicas)
                        .Select(r => (r, nodes[random.Next(nodes.Count)].Spec.Name))
                        .ToArray();
                    var applier = random.Next(2) == 0 ? h.Applier : second;
                    plans.Add(applier.ApplyAsync(StateHarness.Plan(state, workload, replicas)));
                }
            }
            await Task.WhenAll(plans);

            await AssertInvariantsAsync(h, nodes, workloads, $"seed {seed}");
        }
    }

    [Fact]
    public async Task PlaceAll_ConcurrentPassesOnSeveralPlanners_PlaceEveryReplicaThatFitsOnceAndNeverOverbook()
    {
        for (int seed = 1; seed <= Cases / 3; seed++)
        {
            var random = new Random(seed);
            await using var h = new StateHarness();
            var (nodes, workloads) = await SeedAsync(h, random);
            var cache = new ClusterCache(h.Store);
            await cache.LoadAsync();
            using var stop = new CancellationTokenSource();
            var follow = cache.FollowAsync(_ => { }, () => { }, stop.Token);
            using var placer = new WorkloadPlacer(h.Store, h.Events, new PlacerOptions { Planners = 3, MaxOperationsPerTransaction = 16 }, cache: cache);

            var passes = await Task.WhenAll(workloads.Select(w => placer.PlaceAsync(WorkloadKey.Of(w))));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);

            await AssertInvariantsAsync(h, nodes, workloads, $"seed {seed}");
            // Every replica is placed or says why not: none is lost between planners.
            foreach (var (pass, workload) in passes.Zip(workloads))
            {
                Assert.True(pass.Replicas.Count == workload.Replicas, $"seed {seed}: {pass.Workload} reported {pass.Replicas.Count} of {workload.Replicas} replicas");
            }
        }
    }

    private static async Task<(List<NodeRecord> Nodes, List<WorkloadSpec> Workloads)> SeedAsync(StateHarness h, Random random)
    {
        var nodes = new List<NodeRecord>();
        for (int i = 0; i < random.Next(2, 7); i++)
        {
            var node = StateFixtures.Node($"n{i}", cpu: random.Next(2, 7).ToString(System.Globalization.CultureInfo.InvariantCulture));
            node = node with { Spec = node.Spec with { Labels = new Dictionary<string, string>(node.Spec.Labels) { [WellKnownLabels.Hostname] = node.Spec.Name } } };
            nodes.Add(node);
            await h.PutAsync(node);
        }
        var workloads = new List<WorkloadSpec>();
        for (int i = 0; i < random.Next(3, 9); i++)
        {
            string name = $"w{i}";
            var workload = StateFixtures.Workload(name, replicas: random.Next(1, 6), cpu: $"{random.Next(1, 5) * 500}m") with
            {
                Labels = new Dictionary<string, string> { ["app"] = name },
            };
            if (random.Next(3) == 0)
            {
                // One replica per node at most.
                var term = new ReplicaAffinityTerm(new LabelSelector(new Dictionary<string, string> { ["app"] = name }, []), [], null, WellKnownLabels.Hostname, [], []);
                workload = workload with { Affinity = Affinity.None with { PodAntiAffinity = new ReplicaAffinity([term], []) } };
            }
            workloads.Add(workload);
            await h.PutAsync(workload);
        }
        return (nodes, workloads);
    }

    private static async Task AssertInvariantsAsync(StateHarness h, List<NodeRecord> nodes, List<WorkloadSpec> workloads, string label)
    {
        var stored = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix));
        var assignments = stored.Kvs.Select(kv => StateSerializer.Deserialize<Assignment>(kv.Value.Span)).Where(a => a.HoldsResources).ToList();
        foreach (var node in nodes)
        {
            var here = assignments.Where(a => a.Node == node.Spec.Name).ToList();
            decimal cpu = here.Sum(a => a.Requests.Get(ResourceNames.Cpu).Amount);
            Assert.True(cpu <= node.Spec.Allocatable.Get(ResourceNames.Cpu).Amount, $"{label}: node {node.Spec.Name} holds {cpu} cpu of {node.Spec.Allocatable.Get(ResourceNames.Cpu).Amount}");
            foreach (var workload in workloads.Where(w => w.Affinity.PodAntiAffinity.Required.Count > 0))
            {
                int mine = here.Count(a => a.Workload == WorkloadKey.Of(workload));
                Assert.True(mine <= 1, $"{label}: {mine} replicas of anti-affine {workload.Name} on {node.Spec.Name}");
            }
        }
        // Placed once: one placement event per stored assignment, and none for a replica that is not stored.
        var events = await h.Events.ReadAfterAsync(0);
        var placedSubjects = events.Where(e => e.Type is ClusterEventType.WorkloadScheduled or ClusterEventType.Rescheduled).Select(e => e.Subject).ToList();
        Assert.Equal(placedSubjects.Count, placedSubjects.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            assignments.Select(a => AssignmentApplier.ReplicaSubject(a.Workload, a.Replica)).Order(StringComparer.Ordinal),
            placedSubjects.Order(StringComparer.Ordinal));
    }
}
