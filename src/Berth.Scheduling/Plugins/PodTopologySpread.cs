using System.Numerics;
using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Keeps replicas evenly spread over topology domains (Kubernetes v1.35's PodTopologySpread): <c>DoNotSchedule</c>
/// constraints refuse nodes whose domain would exceed <c>maxSkew</c>, <c>ScheduleAnyway</c> constraints score nodes
/// with fewer matching replicas in their domain higher.
/// </summary>
/// <remarks>
/// <para>
/// Only the workload's own <see cref="WorkloadSpec.TopologySpreadConstraints"/> apply. Kubernetes adds system default
/// constraints (hostname and zone, ScheduleAnyway) to pods owned by a Service, ReplicaSet or StatefulSet; Berth
/// workloads are treated like bare pods, which get none, so a workload without constraints is skipped.
/// </para>
/// <para>
/// Matching replicas are counted per replica group (one workload's placed replicas): whether a group counts (namespace
/// and selector) is decided once per group, and its per-node counts are added into flat arrays indexed by the topology
/// key's value id (<see cref="LabelColumn"/>), over the nodes eligible for counting (a <see cref="NodeBitset"/>).
/// PreFilter turns the counts into a verdict per domain and PreScore into a score term per domain, so Filter, Score
/// and NormalizeScore read one array entry per node per constraint. Which nodes are eligible and which groups count
/// depend only on node labels and taints and on group labels, which do not change for a snapshot's life, so they are
/// computed once per (snapshot, workload) and kept while the same workload is scheduled.
/// </para>
/// <para>
/// As in v1.35, a constraint whose selector has no requirements (an empty <c>labelSelector: {}</c> with no
/// <c>matchLabelKeys</c> value to add) counts no existing replicas, and a null selector matches no replica.
/// </para>
/// </remarks>
public sealed class PodTopologySpread : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "PodTopologySpread";

    /// <summary>Kubernetes' hostname label; spreading over it is counted per node when scoring.</summary>
    public const string HostnameLabel = WellKnownLabels.Hostname;

    /// <summary>Kubernetes' reason when placing the replica on the node would exceed a constraint's maxSkew.</summary>
    public const string ConstraintsNotMatchReason = "node(s) didn't match pod topology spread constraints";

    /// <summary>Kubernetes' reason when the node lacks a constraint's topology key (unresolvable by preemption).</summary>
    public const string NodeLabelNotMatchReason = ConstraintsNotMatchReason + " (missing required label)";

    /// <summary>Reason code: the node lacks a DoNotSchedule constraint's topology key.</summary>
    public const int MissingLabelCode = 1;

    /// <summary>Reason code: the node's domain would exceed a DoNotSchedule constraint's maxSkew.</summary>
    public const int SkewCode = 2;

    private const long MaxNodeScore = 100;

    private readonly ConstraintSet _hard = new();
    private readonly ConstraintSet _soft = new();

    // Per-cycle score state.
    private readonly NodeBitset _ignored = new(0);
    private int[] _domainStamp = [];
    private int _stamp;
    private bool _anyIgnored;

    string ISchedulingPlugin.Name => Name;

    /// <summary>True when a refusal with this reason code cannot be fixed by evicting replicas (Kubernetes' UnschedulableAndUnresolvable).</summary>
    public static bool IsUnresolvable(int reasonCode) => reasonCode == MissingLabelCode;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        _hard.Prepare(snapshot, replica, UnsatisfiableConstraintAction.DoNotSchedule);
        if (_hard.Count == 0)
        {
            return PluginStatus.Skip;
        }
        var constraints = _hard.Constraints;
        for (int i = 0; i < _hard.Count; i++)
        {
            constraints[i].ClearCounts();
        }
        AccumulateMatching(snapshot, replica.Namespace, _hard, registered: null, stamp: 0);

        for (int i = 0; i < _hard.Count; i++)
        {
            var c = constraints[i];
            // The global minimum is over eligible domains only (those of eligible nodes, even with zero matches);
            // with fewer eligible domains than minDomains it is taken as 0.
            int min = int.MaxValue;
            for (int d = 0; d < c.DomainCount; d++)
            {
                int count = c.Counts[c.Domains[d]];
                if (count < min)
                {
                    min = count;
                }
            }
            c.GlobalMin = c.DomainCount < c.MinDomains ? 0 : min;

            // The verdict per domain, so Filter reads one entry per node: matching + selfMatch - globalMin <= maxSkew.
            // Domains without eligible nodes hold no counted replicas (Kubernetes' missing map entry: 0).
            int values = c.Column?.ValueCount ?? 0;
            if (c.Verdict.Length < values)
            {
                c.Verdict = new byte[values];
            }
            for (int d = 0; d < values; d++)
            {
                long skew = (long)c.Counts[d] + c.SelfMatch - c.GlobalMin;
                c.Verdict[d] = skew > c.MaxSkew ? (byte)SkewCode : (byte)0;
            }
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var constraints = _hard.Constraints;
        int count = _hard.Count;
        if (count == 1)
        {
            return FilterOne(constraints[0], candidates, refusals);
        }
        int kept = 0;
        for (int k = 0; k < candidates.Length; k++)
        {
            int node = candidates[k];
            int reason = 0;
            // Constraints in order: the first one the node fails decides the reason, as in Kubernetes.
            for (int i = 0; i < count; i++)
            {
                var c = constraints[i];
                int domain = c.Column is null ? -1 : c.Column.ValueOfNode[node];
                reason = domain < 0 ? MissingLabelCode : c.Verdict[domain];
                if (reason != 0)
                {
                    break;
                }
            }
            if (reason == 0)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, reason);
            }
        }
        return kept;
    }

    private static int FilterOne(SpreadConstraint c, Span<int> candidates, RefusalRecorder refusals)
    {
        if (c.Column is null)
        {
            foreach (int node in candidates)
            {
                refusals.Refuse(node, MissingLabelCode);
            }
            return 0;
        }
        var valueOfNode = c.Column.ValueOfNode;
        var verdict = c.Verdict;
        int kept = 0;
        for (int k = 0; k < candidates.Length; k++)
        {
            int node = candidates[k];
            int domain = valueOfNode[node];
            int reason = domain < 0 ? MissingLabelCode : verdict[domain];
            if (reason == 0)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, reason);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public bool PreemptionCanResolve(int reasonCode) => !IsUnresolvable(reasonCode);

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add(reasonCode == MissingLabelCode ? NodeLabelNotMatchReason : ConstraintsNotMatchReason);

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        if (snapshot.NodeCount == 0)
        {
            return PluginStatus.Skip;
        }
        _soft.Prepare(snapshot, replica, UnsatisfiableConstraintAction.ScheduleAnyway);
        if (_soft.Count == 0)
        {
            return PluginStatus.Skip;
        }
        int n = snapshot.NodeCount;
        var constraints = _soft.Constraints;
        var allKeys = _soft.AllKeys;

        // Feasible nodes lacking any soft topology key are ignored (they score 0). The others register their domains:
        // only replicas in those domains are counted, and the number of domains sets each constraint's weight.
        _ignored.Clear(n);
        _ignored.SetAll();
        _ignored.ExceptWith(allKeys);
        int slots = 0;
        for (int i = 0; i < _soft.Count; i++)
        {
            slots += constraints[i].Column?.ValueCount ?? 0;
        }
        NextStamp(slots);
        int scored = -1;
        int offset = 0;
        for (int i = 0; i < _soft.Count; i++)
        {
            var c = constraints[i];
            c.ClearCounts();
            c.EnsureNodeCounts(n);
            c.ScoreDomainCount = 0;
            if (!c.IsHostname && c.Column is not null)
            {
                // With one constraint, holding its key is holding all keys: no bitset test needed.
                c.ScoreDomainCount = RegisterDomains(feasibleNodes, c.Column.ValueOfNode, _soft.Count == 1 ? null : allKeys, offset, out scored);
            }
            offset += c.Column?.ValueCount ?? 0;
        }
        if (scored < 0)
        {
            scored = 0;
            for (int k = 0; k < feasibleNodes.Length; k++)
            {
                if (allKeys.Contains(feasibleNodes[k]))
                {
                    scored++;
                }
            }
        }
        _anyIgnored = scored < feasibleNodes.Length;
        for (int i = 0; i < _soft.Count; i++)
        {
            var c = constraints[i];
            c.Weight = Math.Log((c.IsHostname ? scored : c.ScoreDomainCount) + 2);
        }
        if (scored == 0)
        {
            return PluginStatus.Success;
        }
        AccumulateMatching(snapshot, replica.Namespace, _soft, _domainStamp, _stamp);

        // A domain's term of the score, computed once per domain: matching × weight + (maxSkew − 1), in doubles as in Go.
        for (int i = 0; i < _soft.Count; i++)
        {
            var c = constraints[i];
            if (c.IsHostname)
            {
                continue;
            }
            int values = c.Column!.ValueCount;
            if (c.Term.Length < values)
            {
                c.Term = new double[values];
                c.RoundedTerm = new long[values];
            }
            for (int d = 0; d < values; d++)
            {
                c.Term[d] = (c.Counts[d] * c.Weight) + (c.MaxSkew - 1);
                c.RoundedTerm[d] = (long)Math.Round(c.Term[d], MidpointRounding.AwayFromZero);
            }
        }
        return PluginStatus.Success;
    }

    /// <summary>
    /// Stamps the domains (at <paramref name="offset"/> + value id) of feasible nodes that hold every soft key, and
    /// returns how many distinct domains that is; <paramref name="scored"/> is the number of such nodes.
    /// </summary>
    private int RegisterDomains(ReadOnlySpan<int> feasibleNodes, ReadOnlySpan<int> valueOfNode, NodeBitset? allKeys, int offset, out int scored)
    {
        var stamps = _domainStamp.AsSpan(offset);
        int stamp = _stamp;
        int domains = 0;
        scored = 0;
        for (int k = 0; k < feasibleNodes.Length; k++)
        {
            int node = feasibleNodes[k];
            int domain = valueOfNode[node];
            if (domain < 0 || (allKeys is not null && !allKeys.Contains(node)))
            {
                continue;
            }
            scored++;
            if (stamps[domain] != stamp)
            {
                stamps[domain] = stamp;
                domains++;
            }
        }
        return domains;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var constraints = _soft.Constraints;
        int count = _soft.Count;
        if (count == 1 && !constraints[0].IsHostname)
        {
            // One domain constraint: the node's score is its domain's rounded term; lacking the key means ignored (0).
            var c = constraints[0];
            if (c.Column is null)
            {
                foreach (int node in nodes)
                {
                    scoreByNode[node] = 0;
                }
                return;
            }
            var valueOfNode = c.Column.ValueOfNode;
            var rounded = c.RoundedTerm;
            for (int k = 0; k < nodes.Length; k++)
            {
                int node = nodes[k];
                int domain = valueOfNode[node];
                scoreByNode[node] = domain < 0 ? 0 : rounded[domain];
            }
            return;
        }
        for (int k = 0; k < nodes.Length; k++)
        {
            int node = nodes[k];
            if (_anyIgnored && _ignored.Contains(node))
            {
                scoreByNode[node] = 0;
                continue;
            }
            // Summed in constraint order in doubles and rounded half away from zero, as Go's math.Round.
            double score = 0;
            for (int i = 0; i < count; i++)
            {
                var c = constraints[i];
                score += c.IsHostname
                    ? (c.NodeCounts[node] * c.Weight) + (c.MaxSkew - 1)
                    : c.Term[c.Column!.ValueOfNode[node]];
            }
            scoreByNode[node] = (long)Math.Round(score, MidpointRounding.AwayFromZero);
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        // Fewer matching replicas is better: max + min − s inverts the raw scores, scaled by 100 / max (integer
        // division, as Go's); max starts at 0, so all-zero raw scores give every scored node 100. Ignored nodes get 0.
        var constraints = _soft.Constraints;
        if (_soft.Count == 1 && !constraints[0].IsHostname)
        {
            NormalizeOneDomainConstraint(constraints[0], nodes, scoreByNode);
            return;
        }
        long min = long.MaxValue, max = 0;
        for (int k = 0; k < nodes.Length; k++)
        {
            int node = nodes[k];
            if (_anyIgnored && _ignored.Contains(node))
            {
                continue;
            }
            long s = scoreByNode[node];
            min = Math.Min(min, s);
            max = Math.Max(max, s);
        }
        for (int k = 0; k < nodes.Length; k++)
        {
            int node = nodes[k];
            if (_anyIgnored && _ignored.Contains(node))
            {
                scoreByNode[node] = 0;
            }
            else
            {
                scoreByNode[node] = Normalized(scoreByNode[node], min, max);
            }
        }
    }

    private static long Normalized(long score, long min, long max) =>
        max == 0 ? MaxNodeScore : MaxNodeScore * (max + min - score) / max;

    /// <summary>
    /// With one non-hostname constraint a scored node's raw score is its domain's rounded term, and the scored nodes'
    /// domains are exactly those registered in PreScore: normalize once per domain, then copy per node.
    /// </summary>
    private void NormalizeOneDomainConstraint(SpreadConstraint c, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        if (c.Column is null)
        {
            foreach (int node in nodes)
            {
                scoreByNode[node] = 0;
            }
            return;
        }
        int values = c.Column.ValueCount;
        var rounded = c.RoundedTerm;
        long min = long.MaxValue, max = 0;
        for (int d = 0; d < values; d++)
        {
            if (_domainStamp[d] == _stamp)
            {
                min = Math.Min(min, rounded[d]);
                max = Math.Max(max, rounded[d]);
            }
        }
        if (c.NormalizedTerm.Length < values)
        {
            c.NormalizedTerm = new long[values];
        }
        var normalized = c.NormalizedTerm;
        for (int d = 0; d < values; d++)
        {
            normalized[d] = _domainStamp[d] == _stamp ? Normalized(rounded[d], min, max) : 0;
        }
        var valueOfNode = c.Column.ValueOfNode;
        for (int k = 0; k < nodes.Length; k++)
        {
            int node = nodes[k];
            int domain = valueOfNode[node];
            scoreByNode[node] = domain < 0 ? 0 : normalized[domain];
        }
    }

    private void NextStamp(int slots)
    {
        if (_domainStamp.Length < slots)
        {
            _domainStamp = new int[Math.Max(slots, _domainStamp.Length * 2)];
            _stamp = 0;
        }
        _stamp++;
        if (_stamp == int.MaxValue)
        {
            Array.Clear(_domainStamp);
            _stamp = 1;
        }
    }

    /// <summary>
    /// Adds, per constraint, the replicas of the incoming replica's namespace that its selector matches: into
    /// <see cref="SpreadConstraint.Counts"/> by domain for nodes eligible for counting (when scoring, only domains
    /// a scored node registered), and, when scoring hostname constraints, into <see cref="SpreadConstraint.NodeCounts"/>.
    /// </summary>
    private static void AccumulateMatching(ClusterSnapshot snapshot, string ns, ConstraintSet set, int[]? registered, int stamp)
    {
        bool scoring = registered is not null;
        var groups = snapshot.Groups;
        var constraints = set.Constraints;
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (group.Count == 0)
            {
                continue;
            }
            int offset = 0;
            for (int i = 0; i < set.Count; i++)
            {
                var c = constraints[i];
                if (c.Column is null)
                {
                    continue;
                }
                if (c.MatchesGroup(group, ns))
                {
                    if (scoring && c.IsHostname)
                    {
                        // Kubernetes counts hostname spreading per node at Score, without the eligibility checks.
                        AddPerNode(group, c.NodeCounts);
                    }
                    else
                    {
                        AddPerDomain(group, c, registered, offset, stamp);
                    }
                }
                offset += c.Column.ValueCount;
            }
        }
    }

    private static void AddPerNode(ReplicaGroup group, int[] nodeCounts)
    {
        foreach (var (node, count) in group.NodeCounts)
        {
            nodeCounts[node] += count;
        }
    }

    private static void AddPerDomain(ReplicaGroup group, SpreadConstraint c, int[]? registered, int offset, int stamp)
    {
        var valueOfNode = c.Column!.ValueOfNode;
        var eligible = c.Eligible;
        var counts = c.Counts;
        // The struct enumerator: no allocation per group.
        foreach (var (node, count) in group.NodeCounts)
        {
            if (eligible.Contains(node))
            {
                int domain = valueOfNode[node];
                if (registered is null || registered[offset + domain] == stamp)
                {
                    counts[domain] += count;
                }
            }
        }
    }

    /// <summary>One constraint compiled for a (snapshot, workload), with its per-cycle counts.</summary>
    private sealed class SpreadConstraint
    {
        public int MaxSkew;
        public int MinDomains;
        public bool IsHostname;
        public LabelColumn? Column;
        public LabelSelector? Selector;
        public bool CountsReplicas;
        public int SelfMatch;
        public NodeInclusionPolicy AffinityPolicy;
        public NodeInclusionPolicy TaintsPolicy;

        /// <summary>Nodes whose replicas count: all constraints' keys present, and this constraint's inclusion policies met.</summary>
        public readonly NodeBitset Eligible = new(0);

        /// <summary>The distinct domains (value ids) of eligible nodes, <see cref="DomainCount"/> of them.</summary>
        public int[] Domains = [];
        public int DomainCount;

        /// <summary>Matching replicas per domain (value id), this cycle.</summary>
        public int[] Counts = [];
        public int GlobalMin;

        /// <summary>Hostname constraints when scoring: matching replicas per node, this cycle.</summary>
        public int[] NodeCounts = [];
        public int ScoreDomainCount;
        public double Weight;

        /// <summary>Filter: per domain, 0 when the replica fits the skew there, else <see cref="SkewCode"/>.</summary>
        public byte[] Verdict = [];

        /// <summary>Score: per domain, matching × weight + (maxSkew − 1), and that rounded.</summary>
        public double[] Term = [];
        public long[] RoundedTerm = [];
        public long[] NormalizedTerm = [];

        // Per group index: 0 not yet known, 1 its replicas do not count, 2 they count. Groups keep their labels and
        // namespace, so the answer holds while the constraint is compiled for the same snapshot and workload.
        private byte[] _groupMatch = [];

        public void ForgetGroups() => Array.Clear(_groupMatch);

        /// <summary>True when the group's replicas count: same namespace as the incoming replica, and the selector matches.</summary>
        public bool MatchesGroup(ReplicaGroup group, string ns)
        {
            int index = group.Index;
            if (index >= _groupMatch.Length)
            {
                Array.Resize(ref _groupMatch, Math.Max(index + 1, _groupMatch.Length * 2));
            }
            byte known = _groupMatch[index];
            if (known == 0)
            {
                bool matches = CountsReplicas
                    && string.Equals(group.Info.Namespace, ns, StringComparison.Ordinal)
                    && Selector!.Matches(group.Info.Labels);
                known = matches ? (byte)2 : (byte)1;
                _groupMatch[index] = known;
            }
            return known == 2;
        }

        public void ClearCounts()
        {
            int values = Column?.ValueCount ?? 0;
            if (Counts.Length < values)
            {
                Counts = new int[values];
            }
            else
            {
                Array.Clear(Counts, 0, values);
            }
        }

        public void EnsureNodeCounts(int nodeCount)
        {
            if (!IsHostname)
            {
                return;
            }
            if (NodeCounts.Length < nodeCount)
            {
                NodeCounts = new int[nodeCount];
            }
            else
            {
                Array.Clear(NodeCounts, 0, nodeCount);
            }
        }
    }

    /// <summary>The constraints of one action (DoNotSchedule or ScheduleAnyway), kept while snapshot and workload stay the same.</summary>
    private sealed class ConstraintSet
    {
        private ClusterSnapshot? _snapshot;
        private ReplicaInfo? _replica;
        private readonly NodeBitset _affinityMatch = new(0);
        private readonly NodeBitset _taintsTolerated = new(0);
        private bool[] _seen = [];

        public SpreadConstraint[] Constraints = [];
        public int Count;

        /// <summary>Nodes holding every constraint's topology key.</summary>
        public readonly NodeBitset AllKeys = new(0);

        public void Prepare(ClusterSnapshot snapshot, ReplicaInfo replica, UnsatisfiableConstraintAction action)
        {
            if (ReferenceEquals(snapshot, _snapshot) && ReferenceEquals(replica, _replica))
            {
                return;
            }
            _snapshot = snapshot;
            _replica = replica;
            var workload = replica.Workload;
            int n = snapshot.NodeCount;
            Count = 0;
            foreach (var spec in workload.TopologySpreadConstraints)
            {
                if (spec.WhenUnsatisfiable != action)
                {
                    continue;
                }
                if (Count == Constraints.Length)
                {
                    Array.Resize(ref Constraints, Math.Max(2, Count * 2));
                }
                var c = Constraints[Count] ??= new SpreadConstraint();
                Count++;
                Compile(c, spec, snapshot, replica);
            }
            if (Count == 0)
            {
                return;
            }

            AllKeys.Clear(n);
            AllKeys.SetAll();
            for (int i = 0; i < Count; i++)
            {
                var column = Constraints[i].Column;
                if (column is null)
                {
                    AllKeys.Clear(n);
                    break;
                }
                AllKeys.IntersectWith(column.NodesWithKey());
            }

            bool affinityComputed = false, taintsComputed = false;
            for (int i = 0; i < Count; i++)
            {
                var c = Constraints[i];
                c.Eligible.CopyFrom(AllKeys);
                if (c.AffinityPolicy == NodeInclusionPolicy.Honor && HasRequiredNodeAffinity(workload))
                {
                    if (!affinityComputed)
                    {
                        ComputeAffinityMatch(snapshot, workload);
                        affinityComputed = true;
                    }
                    c.Eligible.IntersectWith(_affinityMatch);
                }
                if (c.TaintsPolicy == NodeInclusionPolicy.Honor)
                {
                    if (!taintsComputed)
                    {
                        ComputeTaintsTolerated(snapshot, workload);
                        taintsComputed = true;
                    }
                    c.Eligible.IntersectWith(_taintsTolerated);
                }
                CollectDomains(c);
            }
        }

        private static void Compile(SpreadConstraint c, TopologySpreadConstraint spec, ClusterSnapshot snapshot, ReplicaInfo replica)
        {
            c.MaxSkew = spec.MaxSkew;
            c.MinDomains = spec.MinDomains ?? 1;
            c.IsHostname = spec.TopologyKey == HostnameLabel;
            c.Column = snapshot.Labels(spec.TopologyKey);
            c.AffinityPolicy = spec.NodeAffinityPolicy;
            c.TaintsPolicy = spec.NodeTaintsPolicy;
            var selector = spec.LabelSelector;
            if (selector is not null && spec.MatchLabelKeys.Count > 0)
            {
                // matchLabelKeys: the incoming replica's values for those keys are added to the selector.
                var extra = new List<KeyValuePair<string, string>>();
                foreach (var key in spec.MatchLabelKeys)
                {
                    if (replica.Labels.TryGetValue(key, out var value))
                    {
                        extra.Add(new(key, value));
                    }
                }
                if (extra.Count > 0)
                {
                    selector = selector.WithLabels(extra);
                }
            }
            c.Selector = selector;
            c.ForgetGroups();
            // v1.35 counts nothing for a selector without requirements (labels.Everything().Empty() is true),
            // and a null selector (labels.Nothing()) matches nothing, not even the incoming replica.
            c.CountsReplicas = selector is not null && !selector.IsEmpty;
            c.SelfMatch = selector is not null && selector.Matches(replica.Labels) ? 1 : 0;
        }

        private static bool HasRequiredNodeAffinity(WorkloadSpec workload) =>
            workload.NodeSelector.Count > 0 || workload.Affinity.NodeAffinity.Required is not null;

        private void ComputeAffinityMatch(ClusterSnapshot snapshot, WorkloadSpec workload)
        {
            // Kubernetes' GetRequiredNodeAffinity: the nodeSelector and the required node affinity terms.
            int n = snapshot.NodeCount;
            _affinityMatch.Clear(n);
            var required = workload.Affinity.NodeAffinity.Required;
            for (int node = 0; node < n; node++)
            {
                var spec = snapshot.Node(node);
                if (MatchesNodeSelector(workload.NodeSelector, spec.Labels) && (required is null || required.Matches(spec.Labels, spec.Name)))
                {
                    _affinityMatch.Add(node);
                }
            }
        }

        private static bool MatchesNodeSelector(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels)
        {
            foreach (var (key, value) in selector)
            {
                if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }

        private void ComputeTaintsTolerated(ClusterSnapshot snapshot, WorkloadSpec workload)
        {
            // A node counts unless it has a NoSchedule or NoExecute taint no toleration tolerates.
            int n = snapshot.NodeCount;
            _taintsTolerated.Clear(n);
            var tolerations = workload.Tolerations;
            for (int node = 0; node < n; node++)
            {
                bool ok = true;
                foreach (var taint in snapshot.TaintsOf(node))
                {
                    if (taint.Effect is not (TaintEffect.NoSchedule or TaintEffect.NoExecute))
                    {
                        continue;
                    }
                    bool tolerated = false;
                    for (int t = 0; t < tolerations.Count && !tolerated; t++)
                    {
                        tolerated = tolerations[t].Tolerates(taint);
                    }
                    if (!tolerated)
                    {
                        ok = false;
                        break;
                    }
                }
                if (ok)
                {
                    _taintsTolerated.Add(node);
                }
            }
        }

        private void CollectDomains(SpreadConstraint c)
        {
            c.DomainCount = 0;
            var column = c.Column;
            if (column is null)
            {
                return;
            }
            int values = column.ValueCount;
            if (_seen.Length < values)
            {
                _seen = new bool[values];
            }
            else
            {
                Array.Clear(_seen, 0, values);
            }
            if (c.Domains.Length < values)
            {
                c.Domains = new int[values];
            }
            var valueOfNode = column.ValueOfNode;
            var words = c.Eligible.Words[..((valueOfNode.Length + 63) >> 6)];
            for (int w = 0; w < words.Length; w++)
            {
                ulong word = words[w];
                while (word != 0)
                {
                    int node = (w << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    int domain = valueOfNode[node];
                    if (!_seen[domain])
                    {
                        _seen[domain] = true;
                        c.Domains[c.DomainCount++] = domain;
                    }
                }
            }
        }
    }
}
