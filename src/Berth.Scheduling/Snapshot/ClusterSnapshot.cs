using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Snapshot;

/// <summary>
/// The cluster as the scheduler sees it: nodes in flat per-node arrays, labels as per-key columns, resources as
/// per-resource columns, and placed replicas grouped by workload.
/// </summary>
/// <remarks>
/// A scheduling cycle only reads the snapshot, possibly from several threads. Its one owner changes it between
/// cycles through <see cref="Place"/> and <see cref="Remove"/>, which update every count incrementally.
/// <see cref="Clone"/> gives each of several planners a copy of its own.
/// </remarks>
public sealed class ClusterSnapshot
{
    /// <summary>Sparse resource columns become dense above this share of nodes (1 in N).</summary>
    private const int DenseShareDivisor = 8;

    private readonly NodeSpec[] _nodes;
    private readonly Dictionary<string, int> _indexOfNode;
    private readonly bool[] _unschedulable;
    private readonly bool[] _notReady;
    private readonly Taint[][] _taints;
    private readonly Dictionary<string, LabelColumn> _labels;
    private readonly List<ResourceColumn> _resources;
    private readonly Dictionary<string, ResourceColumn> _resourceByName;
    private readonly long[] _nonZeroCpu;
    private readonly long[] _nonZeroMemory;
    private readonly List<PlacedReplica>[] _replicasOn;
    private readonly List<ReplicaGroup> _groups;
    private readonly Dictionary<ReplicaInfo, ReplicaGroup> _groupOf;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaceLabels;
    private IReadOnlyList<DisruptionBudget> _disruptionBudgets;
    private readonly long[] _nodeStamps;

    // Stamps are unique across every snapshot and copy, so a stamp names one state of one node wherever it is seen.
    private static long s_lastStamp;

    // Columns made by Create; later ones only count requests of resources no node advertises, and each copy adds its own.
    private readonly int _builtColumnCount;

    private ClusterSnapshot(IReadOnlyList<NodeSpec> nodes, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? namespaceLabels, IReadOnlyList<DisruptionBudget>? disruptionBudgets)
    {
        _disruptionBudgets = disruptionBudgets is null ? [] : [.. disruptionBudgets];
        _labels = new(StringComparer.Ordinal);
        _resources = [];
        _resourceByName = new(StringComparer.Ordinal);
        _groups = [];
        _groupOf = new(ReferenceEqualityComparer.Instance);
        int n = nodes.Count;
        _nodes = [.. nodes];
        _indexOfNode = new Dictionary<string, int>(n, StringComparer.Ordinal);
        _unschedulable = new bool[n];
        _notReady = new bool[n];
        _taints = new Taint[n][];
        _nonZeroCpu = new long[n];
        _nonZeroMemory = new long[n];
        _replicasOn = new List<PlacedReplica>[n];
        _nodeStamps = new long[n];
        _namespaceLabels = namespaceLabels is null ? [] : new(namespaceLabels, StringComparer.Ordinal);
        Gpus = new GpuDevices(nodes);

        foreach (var name in new[] { ResourceNames.Cpu, ResourceNames.Memory, ResourceNames.EphemeralStorage, ResourceNames.Pods })
        {
            AddColumn(ResourceColumn.Dense(name, _resources.Count, n));
        }
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var (name, _) in node.Allocatable)
            {
                holders[name] = holders.GetValueOrDefault(name) + 1;
            }
        }
        foreach (var (name, count) in holders.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (!_resourceByName.ContainsKey(name))
            {
                AddColumn(count * DenseShareDivisor >= n ? ResourceColumn.Dense(name, _resources.Count, n) : ResourceColumn.Sparse(name, _resources.Count));
            }
        }

        _builtColumnCount = _resources.Count;
        for (int i = 0; i < n; i++)
        {
            var node = nodes[i];
            if (!_indexOfNode.TryAdd(node.Name, i))
            {
                throw new ArgumentException($"node '{node.Name}' is listed twice; node names must be unique", nameof(nodes));
            }
            _unschedulable[i] = node.Unschedulable;
            _notReady[i] = !node.Ready;
            // As Kubernetes' node lifecycle controller does, a cordoned or not-ready node carries the matching taints, so
            // every taint-aware rule (PodTopologySpread's nodeTaintsPolicy among them) sees the node's state.
            _taints[i] = WellKnownTaints.Effective(node);
            AnyPreferNoScheduleTaint |= node.Taints.Any(t => t.Effect == TaintEffect.PreferNoSchedule);
            _replicasOn[i] = [];
            Stamp(i);
            foreach (var (key, value) in node.Labels)
            {
                if (!_labels.TryGetValue(key, out var column))
                {
                    column = new LabelColumn(key, n);
                    _labels[key] = column;
                }
                column.Set(i, value);
            }
            foreach (var (name, quantity) in node.Allocatable)
            {
                long units = ResourceNames.ToSchedulingUnits(name, quantity);
                if (units != 0)
                {
                    _resourceByName[name].SetAllocatable(i, units);
                }
            }
        }
    }

    /// <summary>The copy constructor behind <see cref="Clone"/>.</summary>
    private ClusterSnapshot(ClusterSnapshot source)
    {
        // Fixed once the snapshot is built: shared.
        _nodes = source._nodes;
        _indexOfNode = source._indexOfNode;
        _unschedulable = source._unschedulable;
        _notReady = source._notReady;
        _taints = source._taints;
        _labels = source._labels;
        _namespaceLabels = source._namespaceLabels;
        _disruptionBudgets = source._disruptionBudgets;
        Quotas = source.Quotas;
        AnyPreferNoScheduleTaint = source.AnyPreferNoScheduleTaint;
        Version = source.Version;
        _builtColumnCount = source._builtColumnCount;
        Reservations = source.Reservations.Copy();

        // Changed by placements: copied, as flat arrays where they are flat.
        _resources = new List<ResourceColumn>(source._resources.Count);
        _resourceByName = new Dictionary<string, ResourceColumn>(source._resourceByName.Count, StringComparer.Ordinal);
        foreach (var column in source._resources)
        {
            AddColumn(column.Copy());
        }
        _nonZeroCpu = (long[])source._nonZeroCpu.Clone();
        _nonZeroMemory = (long[])source._nonZeroMemory.Clone();
        Gpus = source.Gpus.Copy();
        _nodeStamps = (long[])source._nodeStamps.Clone();

        // Placed replicas never change, so both copies hold the same objects; only the lists and counts are their own.
        int n = _nodes.Length;
        _replicasOn = new List<PlacedReplica>[n];
        for (int node = 0; node < n; node++)
        {
            _replicasOn[node] = new List<PlacedReplica>(source._replicasOn[node]);
        }
        _groups = new List<ReplicaGroup>(source._groups.Count);
        _groupOf = new Dictionary<ReplicaInfo, ReplicaGroup>(source._groupOf.Count, ReferenceEqualityComparer.Instance);
        foreach (var sourceGroup in source._groups)
        {
            var group = new ReplicaGroup(sourceGroup);
            _groups.Add(group);
            _groupOf[group.Info] = group;
        }
    }

    /// <summary>Builds a snapshot of the given nodes, with no replicas placed.</summary>
    /// <param name="namespaceLabels">Labels per namespace, for namespace selectors in affinity terms.</param>
    /// <param name="disruptionBudgets">Disruption budgets that preemption honours.</param>
    public static ClusterSnapshot Create(
        IReadOnlyList<NodeSpec> nodes,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? namespaceLabels = null,
        IReadOnlyList<DisruptionBudget>? disruptionBudgets = null) =>
        new(nodes, namespaceLabels, disruptionBudgets);

    /// <summary>
    /// An independent copy: placing or removing on either never changes the other, and scheduling on the copy decides
    /// what scheduling on this snapshot decides. Several planners can each work on their own copy.
    /// </summary>
    /// <remarks>
    /// <para>
    /// What never changes once a snapshot is built is shared: node specs, taints, label columns (whose node sets built
    /// on demand are published atomically), dense allocatable amounts, namespace labels, disruption budgets, and the
    /// compiled <see cref="ReplicaInfo"/> and the placed replicas themselves (a <see cref="PlacedReplica"/> never changes).
    /// Requested amounts, free GPU shares, the per-node and per-workload replica lists (references, copied in bulk) and
    /// the per-workload counts are copied, so the cost is O(nodes + placed replicas) with no object per replica.
    /// </para>
    /// <para>
    /// A replica placed before the copy is the same object in both, so either removes it by reference. A replica placed
    /// on one copy afterwards and then on another (a plan applied) is a different object in each: <see cref="Remove"/>
    /// and <see cref="Find"/> then match it by node, namespace and name. The copy has its own <see cref="ReplicaGroup"/>
    /// objects at the same indexes. A <see cref="ReplicaInfo"/> compiled on one is valid on the other. The copy starts
    /// at this snapshot's <see cref="Version"/>; each then counts its own changes.
    /// </para>
    /// <para>
    /// Safe to call from any thread, also several at once, while nothing changes this snapshot: no
    /// <see cref="Place"/> or <see cref="Remove"/>, and no scheduling cycle on it that may preempt (preemption
    /// simulates evictions on the snapshot it runs on).
    /// </para>
    /// </remarks>
    public ClusterSnapshot Clone() => new(this);

    /// <summary>
    /// This snapshot's replica with the node, namespace and name of <paramref name="replica"/> (which may have been
    /// placed on another copy, see <see cref="Clone"/>), or null when none is placed here.
    /// </summary>
    public PlacedReplica? Find(PlacedReplica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        if ((uint)replica.Node >= (uint)_nodes.Length)
        {
            return null;
        }
        var onNode = _replicasOn[replica.Node];
        for (int i = 0; i < onNode.Count; i++)
        {
            if (ReferenceEquals(onNode[i], replica))
            {
                return replica;
            }
        }
        for (int i = 0; i < onNode.Count; i++)
        {
            var candidate = onNode[i];
            if (string.Equals(candidate.Name, replica.Name, StringComparison.Ordinal)
                && string.Equals(candidate.Info.Namespace, replica.Info.Namespace, StringComparison.Ordinal))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The active reservations and what each holds; empty until <see cref="HoldReservations"/>.</summary>
    public ReservationLedger Reservations { get; private set; } = ReservationLedger.Empty;

    /// <summary>
    /// Takes the holds of the given reservations (those active at the caller's time) on the cluster as it is now,
    /// replacing any taken before; see <see cref="ReservationLedger"/> for the order and the amounts.
    /// </summary>
    public void HoldReservations(IReadOnlyList<ReservationSpec> active)
    {
        ArgumentNullException.ThrowIfNull(active);
        if (active.Count == 0 && Reservations.Count == 0)
        {
            return;
        }
        Reservations = active.Count == 0 ? ReservationLedger.Empty : ReservationLedger.Build(this, active);
        Version++;
    }

    /// <summary>The disruption budgets (Kubernetes PodDisruptionBudgets) that preemption honours.</summary>
    public IReadOnlyList<DisruptionBudget> DisruptionBudgets => _disruptionBudgets;

    /// <summary>
    /// The namespaces' quotas, whose soft limits tell which placed replicas are burst (the first that preemption
    /// evicts, see <see cref="Berth.Scheduling.Quotas.BurstReplicas"/>); empty when none. Shared by copies, like the budgets.
    /// </summary>
    public IReadOnlyList<QuotaSpec> Quotas { get; set; } = [];

    /// <summary>
    /// Replaces the disruption budgets that preemption honours from the next scheduling cycle on: the control plane's
    /// budgets follow its workloads, which change more often than the node set a snapshot is built for. The list is
    /// kept as given, not copied, and read only when a cycle preempts, so a caller may hand over one that is built on
    /// first read.
    /// </summary>
    public void UseDisruptionBudgets(IReadOnlyList<DisruptionBudget> budgets)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        _disruptionBudgets = budgets;
    }

    /// <summary>The number of nodes.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>Changes with every placement or removal, so callers can tell a stale plan.</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Changes whenever a replica is placed on or taken off the node; equal stamps (on this snapshot or any copy) mean
    /// the same replicas on the node, so plugins can keep per-node results until the stamp moves.
    /// </summary>
    public long NodeStamp(int node) => _nodeStamps[node];

    /// <summary>The node at an index.</summary>
    public NodeSpec Node(int index) => _nodes[index];

    /// <summary>The index of a node by name, or -1.</summary>
    public int IndexOf(string nodeName) => _indexOfNode.TryGetValue(nodeName, out var i) ? i : -1;

    /// <summary>Per node: cordoned.</summary>
    public ReadOnlySpan<bool> Unschedulable => _unschedulable;

    /// <summary>Per node: not ready.</summary>
    public ReadOnlySpan<bool> NotReady => _notReady;

    /// <summary>True when some node has a PreferNoSchedule taint (otherwise taint scores are the same everywhere).</summary>
    public bool AnyPreferNoScheduleTaint { get; }

    /// <summary>Every node's GPU devices and their free shares.</summary>
    public GpuDevices Gpus { get; }

    /// <summary>A node's taints, including those its state implies (<see cref="WellKnownTaints.Effective"/>).</summary>
    public Taint[] TaintsOf(int node) => _taints[node];

    /// <summary>The label column of a key, or null when no node has the key.</summary>
    public LabelColumn? Labels(string key) => _labels.TryGetValue(key, out var c) ? c : null;

    /// <summary>The resource columns; the first four are cpu, memory, ephemeral-storage and pods, always dense.</summary>
    public IReadOnlyList<ResourceColumn> Resources => _resources;

    /// <summary>The column of a resource, or null when no node has it.</summary>
    public ResourceColumn? Resource(string name) => _resourceByName.TryGetValue(name, out var c) ? c : null;

    /// <summary>CPU column (millicores).</summary>
    public ResourceColumn Cpu => _resources[0];

    /// <summary>Memory column (bytes).</summary>
    public ResourceColumn Memory => _resources[1];

    /// <summary>Ephemeral-storage column (bytes).</summary>
    public ResourceColumn EphemeralStorage => _resources[2];

    /// <summary>Pod-count column.</summary>
    public ResourceColumn Pods => _resources[3];

    /// <summary>CPU requested per node with the scoring default (100m for containers without a request).</summary>
    public ReadOnlySpan<long> NonZeroRequestedCpu => _nonZeroCpu;

    /// <summary>Memory requested per node with the scoring default (200Mi for containers without a request).</summary>
    public ReadOnlySpan<long> NonZeroRequestedMemory => _nonZeroMemory;

    internal long[] NonZeroCpuArray => _nonZeroCpu;

    internal long[] NonZeroMemoryArray => _nonZeroMemory;

    /// <summary>The groups of placed replicas, one per workload.</summary>
    public IReadOnlyList<ReplicaGroup> Groups => _groups;

    /// <summary>The replicas placed on a node.</summary>
    public IReadOnlyList<PlacedReplica> ReplicasOn(int node) => _replicasOn[node];

    /// <summary>The labels of a namespace (empty when unknown).</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels(string ns) =>
        _namespaceLabels.TryGetValue(ns, out var labels) ? labels : EmptyLabels;

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    /// <summary>Compiles a workload against this snapshot's resource columns.</summary>
    public ReplicaInfo Compile(WorkloadSpec workload)
    {
        var requests = ReplicaInfo.RequestsOf(workload);
        var columns = new int[requests.Length];
        var amounts = new long[requests.Length];
        var names = new string[requests.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            names[i] = requests[i].Name;
            amounts[i] = requests[i].Amount;
            // Only columns every copy has at the same index, so the compiled replica serves them all; a column added
            // for a placed replica's unadvertised resource has no allocatable anywhere, which -1 says as well.
            columns[i] = _resourceByName.TryGetValue(requests[i].Name, out var c) && c.Index < _builtColumnCount ? c.Index : -1;
        }
        var nonZero = ReplicaResources.NonZeroRequests(workload);
        return new ReplicaInfo(workload, columns, amounts, names,
            nonZero.Units(ResourceNames.Cpu), nonZero.Units(ResourceNames.Memory));
    }

    /// <summary>Places one replica on a node: its requests count against the node from now on.</summary>
    /// <param name="devices">
    /// GPU devices it already holds (a replica read back from stored state); null to choose them here. Devices that are
    /// not free are not taken twice: the replica then holds none, as an over-committed running replica does.
    /// </param>
    public PlacedReplica Place(ReplicaInfo replica, int node, string name, DateTimeOffset? startTime = null, IReadOnlyList<int>? devices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, NodeCount);
        if (!_groupOf.TryGetValue(replica, out var group))
        {
            group = new ReplicaGroup(_groups.Count, replica);
            _groups.Add(group);
            _groupOf[replica] = group;
        }
        var placed = new PlacedReplica(name, replica, node, startTime);
        ApplyRequests(replica, node, +1);
        // Replicas already running (a scenario's placed entries) may sit where devices are short; they hold none then.
        placed.Devices = devices is null ? Gpus.Assign(node, replica.GpuMilli)
            : Gpus.TryTake(node, replica.GpuMilli, devices) ? [.. devices] : [];
        group.Add(placed);
        _replicasOn[node].Add(placed);
        Stamp(node);
        Version++;
        return placed;
    }

    /// <summary>Removes a placed replica, releasing its requests.</summary>
    /// <param name="replica">This snapshot's replica, or a copy's (see <see cref="Clone"/>): matched by node, namespace and name.</param>
    public void Remove(PlacedReplica replica)
    {
        replica = Find(replica) ?? throw new InvalidOperationException($"replica '{replica.Key}' is not placed on node '{NodeNameOf(replica.Node)}'");
        _replicasOn[replica.Node].Remove(replica);
        ApplyRequests(replica.Info, replica.Node, -1);
        Gpus.Release(replica.Node, replica.Info.GpuMilli, replica.Devices);
        _groupOf[replica.Info].Remove(replica);
        Stamp(replica.Node);
        Version++;
    }

    /// <summary>
    /// Takes a placed replica off its node for a simulation (preemption), keeping the object so that
    /// <see cref="Reattach"/> can put it back. <see cref="Version"/> changes, as for any change, so per-version caches
    /// (InterPodAffinity's) never serve counts from before the simulation.
    /// </summary>
    /// <returns>Its positions in the node's and the group's lists, for <see cref="Reattach"/>.</returns>
    internal (int NodePosition, int GroupPosition) Detach(PlacedReplica replica)
    {
        var onNode = _replicasOn[replica.Node];
        int nodePosition = onNode.IndexOf(replica);
        if (nodePosition < 0)
        {
            throw new InvalidOperationException($"replica '{replica.Key}' is not placed on node '{_nodes[replica.Node].Name}'");
        }
        onNode.RemoveAt(nodePosition);
        ApplyRequests(replica.Info, replica.Node, -1);
        Gpus.Release(replica.Node, replica.Info.GpuMilli, replica.Devices);
        int groupPosition = _groupOf[replica.Info].Remove(replica);
        Stamp(replica.Node);
        Version++;
        return (nodePosition, groupPosition);
    }

    /// <summary>
    /// Puts a replica taken off by <see cref="Detach"/> back at the given list positions (or at the ends when -1).
    /// Reattaching in the reverse order of detaching restores the lists exactly.
    /// </summary>
    internal void Reattach(PlacedReplica replica, int nodePosition = -1, int groupPosition = -1)
    {
        var onNode = _replicasOn[replica.Node];
        onNode.Insert(nodePosition < 0 ? onNode.Count : nodePosition, replica);
        ApplyRequests(replica.Info, replica.Node, +1);
        // The same devices again: a simulation puts replicas back in the reverse order it took them off.
        Gpus.Retake(replica.Node, replica.Info.GpuMilli, replica.Devices);
        _groupOf[replica.Info].Insert(replica, groupPosition);
        Stamp(replica.Node);
        Version++;
    }

    private void Stamp(int node) => _nodeStamps[node] = Interlocked.Increment(ref s_lastStamp);

    private void ApplyRequests(ReplicaInfo replica, int node, int sign)
    {
        for (int i = 0; i < replica.RequestColumns.Length; i++)
        {
            int column = replica.RequestColumns[i];
            if (column < 0)
            {
                // A replica already running with a resource no node advertises (a placed entry) still counts. The
                // column is found by name and the ReplicaInfo left as compiled: copies of the snapshot share it, and
                // each adds such columns on its own.
                column = SparseColumnFor(replica.RequestNames[i]);
            }
            _resources[column].AddRequested(node, sign * replica.RequestAmounts[i]);
        }
        _nonZeroCpu[node] += sign * replica.NonZeroCpu;
        _nonZeroMemory[node] += sign * replica.NonZeroMemory;
        // A replica of a workload that uses a reservation turns held capacity into used capacity (and back).
        Reservations.Apply(replica, node, sign);
    }

    private int SparseColumnFor(string name)
    {
        if (!_resourceByName.TryGetValue(name, out var column))
        {
            column = ResourceColumn.Sparse(name, _resources.Count);
            AddColumn(column);
        }
        return column.Index;
    }

    private string NodeNameOf(int node) => (uint)node < (uint)_nodes.Length ? _nodes[node].Name : node.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void AddColumn(ResourceColumn column)
    {
        _resources.Add(column);
        _resourceByName[column.Name] = column;
    }
}
