using System.Text.Json;
using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Fleet;

/// <summary>The fleet as stored, read at one revision: workloads, pools, node classes, policies, clusters, decisions and assignments.</summary>
internal sealed class FleetState
{

    public SortedDictionary<WorkloadKey, Stored<WorkloadSpec>> Workloads { get; } = new(Comparer<WorkloadKey>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString())));

    public List<PoolSpec> Pools { get; } = [];

    public List<NodeClassSpec> NodeClasses { get; } = [];

    public Dictionary<string, NodeClassSpec> ClassesByName { get; } = new(StringComparer.Ordinal);

    public List<PlacementPolicySpec> Policies { get; } = [];

    public List<FleetCluster> Clusters { get; } = [];

    public Dictionary<WorkloadKey, FleetDecision> Decisions { get; } = [];

    public List<Assignment> Assignments { get; } = [];

    public static async Task<FleetState> ReadAsync(IKeyValueStore store, CancellationToken ct)
    {
        var read = await store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.ObjectsOf(ObjectKinds.Pools))),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.ObjectsOf(ObjectKinds.NodeClasses))),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.ObjectsOf(ObjectKinds.PlacementPolicies))),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.FleetClustersPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.FleetDecisionsPrefix)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
            ],
            [],
            ct).ConfigureAwait(false);
        var state = new FleetState();
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out var key))
            {
                state.Workloads[key] = new Stored<WorkloadSpec>(kv.Key, StateSerializer.Read<WorkloadSpec>(kv), kv.ModRevision);
            }
        }
        foreach (var kv in read.Responses[1].Kvs)
        {
            state.Pools.Add(StateSerializer.Read<PoolSpec>(kv));
        }
        foreach (var kv in read.Responses[2].Kvs)
        {
            var nodeClass = StateSerializer.Read<NodeClassSpec>(kv);
            state.NodeClasses.Add(nodeClass);
            state.ClassesByName[nodeClass.Name] = nodeClass;
        }
        foreach (var kv in read.Responses[3].Kvs)
        {
            state.Policies.Add(StateSerializer.Read<PlacementPolicySpec>(kv));
        }
        foreach (var kv in read.Responses[4].Kvs)
        {
            state.Clusters.Add(StateSerializer.Read<FleetCluster>(kv));
        }
        foreach (var kv in read.Responses[5].Kvs)
        {
            var decision = StateSerializer.Read<FleetDecision>(kv);
            state.Decisions[new WorkloadKey(decision.Namespace, decision.Name)] = decision;
        }
        foreach (var kv in read.Responses[6].Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                state.Assignments.Add(StateSerializer.Read<Assignment>(kv));
            }
        }
        return state;
    }

    public static byte[] Serialize(FleetDecision decision) =>
        JsonSerializer.SerializeToUtf8Bytes(decision, StateSerializer.Options.GetTypeInfo(typeof(FleetDecision)));

    /// <summary>The derived workloads of <paramref name="fleetWorkload"/> (labelled with its name, in its namespace).</summary>
    public IEnumerable<WorkloadKey> DerivedOf(WorkloadKey fleetWorkload)
    {
        foreach (var (key, stored) in Workloads)
        {
            if (key.Namespace == fleetWorkload.Namespace
                && stored.Value.Labels.TryGetValue(FleetLabels.FleetWorkload, out var owner) && owner == fleetWorkload.Name)
            {
                yield return key;
            }
        }
    }

    /// <summary>The planner's request for <paramref name="workload"/>: cluster use without its own replicas, and where its dependencies run.</summary>
    public FleetPlanRequest Request(WorkloadSpec workload)
    {
        var clusterOfNode = new Dictionary<string, FleetCluster>(StringComparer.Ordinal);
        foreach (var cluster in Clusters)
        {
            foreach (var node in cluster.Nodes)
            {
                clusterOfNode[node] = cluster;
            }
        }
        var used = new Dictionary<string, (double Cores, double Memory)>(StringComparer.Ordinal);
        var dependencies = new List<DependencyLocation>();
        var dependencyNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependency in workload.Dependencies)
        {
            dependencyNames.Add(dependency.Name);
        }
        foreach (var name in workload.Placement?.Latency.Keys ?? Enumerable.Empty<string>())
        {
            dependencyNames.Add(name);
        }
        var resources = new Dictionary<WorkloadKey, FleetResources>();
        foreach (var assignment in Assignments)
        {
            if (!assignment.HoldsResources || !clusterOfNode.TryGetValue(assignment.Node, out var cluster)
                || !Workloads.TryGetValue(assignment.Workload, out var stored))
            {
                continue;
            }
            var spec = stored.Value;
            string? owner = spec.Labels.TryGetValue(FleetLabels.FleetWorkload, out var label) ? label : null;
            if (spec.Namespace == workload.Namespace && (owner ?? spec.Name) is { } logical && dependencyNames.Contains(logical))
            {
                dependencies.Add(new DependencyLocation(logical, cluster.Pool, cluster.Name, cluster.Region, null));
            }
            if (spec.Namespace == workload.Namespace && owner == workload.Name)
            {
                continue;
            }
            if (!resources.TryGetValue(assignment.Workload, out var replica))
            {
                replica = FleetPlanner.ReplicaResources(spec);
                resources[assignment.Workload] = replica;
            }
            var (cores, memory) = used.GetValueOrDefault(cluster.Name);
            used[cluster.Name] = (cores + replica.Cores, memory + replica.MemoryGi);
        }
        // A dependency that is decided but not yet running counts where its shares are.
        foreach (var (key, decision) in Decisions)
        {
            if (key.Namespace == workload.Namespace && dependencyNames.Contains(key.Name))
            {
                foreach (var share in decision.Shares)
                {
                    dependencies.Add(new DependencyLocation(key.Name, share.Pool, share.Cluster, share.Region, null));
                }
            }
        }
        var usage = new List<FleetClusterUsage>(Clusters.Count);
        foreach (var cluster in Clusters)
        {
            var (cores, memory) = used.GetValueOrDefault(cluster.Name);
            usage.Add(new FleetClusterUsage(cluster, cores, memory));
        }
        return new FleetPlanRequest(workload, Pools, NodeClasses, Policies, usage, dependencies);
    }
}
