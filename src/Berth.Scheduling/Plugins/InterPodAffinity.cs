using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Places replicas near or away from other replicas (Kubernetes' InterPodAffinity): required podAffinity and
/// podAntiAffinity terms of the incoming replica, required anti-affinity of placed replicas (symmetry), and
/// preferred terms of both sides as scores.
/// </summary>
/// <remarks>
/// Kubernetes counts matching pods per (topology key, value) pair. Here a term's selector is evaluated once per
/// workload group (placed replicas of one workload share labels and affinity), the result is cached per incoming
/// workload and snapshot (groups are only ever appended), and counts are accumulated per label value id of the
/// topology key, so Filter and Score read <c>count[valueOfNode[node]]</c>.
/// </remarks>
public sealed class InterPodAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "InterPodAffinity";

    /// <summary>Reason code: the node's domain holds no replica matching the required affinity terms (Kubernetes: UnschedulableAndUnresolvable).</summary>
    public const int AffinityRulesNotMatch = 1;

    /// <summary>Reason code: the node's domain holds a replica matching a required anti-affinity term.</summary>
    public const int AntiAffinityRulesNotMatch = 2;

    /// <summary>Reason code: a placed replica's required anti-affinity term matches the incoming replica in the node's domain.</summary>
    public const int ExistingAntiAffinityRulesNotMatch = 3;

    /// <summary>Kubernetes' message for <see cref="AffinityRulesNotMatch"/>.</summary>
    public const string AffinityRulesNotMatchMessage = "node(s) didn't match pod affinity rules";

    /// <summary>Kubernetes' message for <see cref="AntiAffinityRulesNotMatch"/>.</summary>
    public const string AntiAffinityRulesNotMatchMessage = "node(s) didn't match pod anti-affinity rules";

    /// <summary>Kubernetes' message for <see cref="ExistingAntiAffinityRulesNotMatch"/>.</summary>
    public const string ExistingAntiAffinityRulesNotMatchMessage = "node(s) didn't satisfy existing pods anti-affinity rules";

    private const int MaxNodeScore = 100;

    // Bounds on the caches: a long-lived scheduler sees many workloads; dropping a cache only costs recompilation.
    private const int MaxCachedIncoming = 256;
    private const int MaxCachedCompiled = 16384;

    private readonly InterPodAffinityArgs _args;

    // Caches valid for one snapshot (label columns and group indexes belong to it).
    private ClusterSnapshot? _snapshot;
    private readonly Dictionary<ReplicaInfo, CompiledAffinity> _compiled = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ReplicaInfo, GroupMatches> _matches = new(ReferenceEqualityComparer.Instance);

    // Scratch copy of one group's per-node counts.
    private int[] _groupNodes = new int[16];
    private int[] _groupCounts = new int[16];

    // Per-cycle filter state; buffers reused across cycles.
    private ReplicaInfo? _filterReplica;
    private long _filterVersion = -1;
    private readonly List<int[]> _intPool = [];
    private int _intPoolUsed;
    private LabelColumn?[] _affinityColumns = [];
    private int[][] _affinityCounts = [];
    private int _affinityTermCount;
    private bool _affinityAnyMatch;
    private bool _selfMatch;
    private LabelColumn?[] _antiColumns = [];
    private int[][] _antiCounts = [];
    private int _antiTermCount;
    private bool _antiAnyMatch;
    private LabelColumn[] _existingColumns = [];
    private int[][] _existingCounts = [];
    private int _existingKeyCount;
    private bool _existingAnyMatch;

    // Per-cycle score state: one weight array per topology key.
    private ReplicaInfo? _scoreReplica;
    private long _scoreVersion = -1;
    private PluginStatus _scoreStatus;
    private readonly List<long[]> _longPool = [];
    private LabelColumn[] _scoreColumns = [];
    private long[][] _scoreWeights = [];
    private int _scoreKeyCount;

    /// <summary>Creates the plugin; throws <see cref="ProfileException"/> for invalid arguments.</summary>
    public InterPodAffinity(InterPodAffinityArgs args)
    {
        if (args.Validate() is { } error)
        {
            throw new ProfileException($"plugin '{Name}' args: {error}");
        }
        _args = args;
    }

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        BindSnapshot(snapshot);
        var matches = MatchesFor(snapshot, replica);
        var own = matches.Own;
        if (ReferenceEquals(_filterReplica, replica) && _filterVersion == snapshot.Version)
        {
            // Same replica against an unchanged snapshot (a retry): the counts in the buffers still hold.
            return FilterStatus(own);
        }
        _filterReplica = null;
        _intPoolUsed = 0;
        var groups = snapshot.Groups;

        // The incoming replica's required affinity: a placed replica counts, for every term, in its node's domain of
        // that term's key, but only when it matches all the terms (Kubernetes' podMatchesAllAffinityTerms).
        var affinity = own.RequiredAffinity;
        _affinityTermCount = affinity.Length;
        EnsureTermCapacity(ref _affinityColumns, ref _affinityCounts, affinity.Length);
        for (int t = 0; t < affinity.Length; t++)
        {
            _affinityColumns[t] = affinity[t].Column;
            _affinityCounts[t] = affinity[t].Column is { } column ? RentInts(column.ValueCount) : [];
        }
        _affinityAnyMatch = false;
        _selfMatch = matches.SelfMatch;
        foreach (int g in matches.Affinity)
        {
            int n = LoadGroup(groups[g]);
            for (int t = 0; t < affinity.Length; t++)
            {
                if (_affinityColumns[t] is { } column)
                {
                    _affinityAnyMatch |= Accumulate(column, _affinityCounts[t], n);
                }
            }
        }

        // The incoming replica's required anti-affinity: per term, placed replicas matching that term.
        var anti = own.RequiredAnti;
        _antiTermCount = anti.Length;
        EnsureTermCapacity(ref _antiColumns, ref _antiCounts, anti.Length);
        _antiAnyMatch = false;
        for (int t = 0; t < anti.Length; t++)
        {
            var column = anti[t].Column;
            _antiColumns[t] = column;
            _antiCounts[t] = column is null ? [] : RentInts(column.ValueCount);
            if (column is null)
            {
                continue;
            }
            foreach (int g in matches.Anti[t])
            {
                int n = LoadGroup(groups[g]);
                _antiAnyMatch |= Accumulate(column, _antiCounts[t], n);
            }
        }

        // Symmetry: placed replicas whose required anti-affinity terms match the incoming replica, per topology key.
        _existingKeyCount = 0;
        _existingAnyMatch = false;
        foreach (var existing in matches.ExistingAnti)
        {
            int slot = ExistingKeySlot(existing.Column);
            int n = LoadGroup(groups[existing.Group]);
            _existingAnyMatch |= Accumulate(existing.Column, _existingCounts[slot], n);
        }

        _filterReplica = replica;
        _filterVersion = snapshot.Version;
        return FilterStatus(own);
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        // One tight pass per check, in Kubernetes' order (affinity, anti-affinity, existing anti-affinity): a node
        // refused by one pass is gone from the next, so each node still carries the first reason that fails.
        int count = candidates.Length;
        if (_affinityTermCount > 0)
        {
            count = FilterAffinity(candidates[..count], refusals);
        }
        if (_antiAnyMatch)
        {
            for (int t = 0; t < _antiTermCount && count > 0; t++)
            {
                if (_antiColumns[t] is { } column)
                {
                    count = FilterByDomainCounts(column, _antiCounts[t], AntiAffinityRulesNotMatch, candidates[..count], refusals);
                }
            }
        }
        if (_existingAnyMatch)
        {
            for (int k = 0; k < _existingKeyCount && count > 0; k++)
            {
                count = FilterByDomainCounts(_existingColumns[k], _existingCounts[k], ExistingAntiAffinityRulesNotMatch, candidates[..count], refusals);
            }
        }
        return count;
    }

    private int FilterAffinity(Span<int> candidates, RefusalRecorder refusals)
    {
        int terms = _affinityTermCount;
        var columns = _affinityColumns;
        var counts = _affinityCounts;
        // Kubernetes lets the first replica of a workload with affinity to itself in when nothing matches yet.
        bool selfAdmits = !_affinityAnyMatch && _selfMatch;
        int kept = 0;
        for (int c = 0; c < candidates.Length; c++)
        {
            int node = candidates[c];
            bool refused = false, podsExist = true;
            for (int t = 0; t < terms; t++)
            {
                var column = columns[t];
                int value = column is null ? -1 : column.ValueOfNode[node];
                if (value < 0)
                {
                    // Every topology key must be on the node, even for the self-matching first replica.
                    refused = true;
                    break;
                }
                if (counts[t][value] <= 0)
                {
                    podsExist = false;
                }
            }
            if (refused || (!podsExist && !selfAdmits))
            {
                refusals.Refuse(node, AffinityRulesNotMatch);
            }
            else
            {
                candidates[kept++] = node;
            }
        }
        return kept;
    }

    /// <summary>Refuses nodes whose domain of <paramref name="column"/>'s key has a positive count.</summary>
    private static int FilterByDomainCounts(LabelColumn column, int[] counts, int reason, Span<int> candidates, RefusalRecorder refusals)
    {
        var valueOfNode = column.ValueOfNode;
        int kept = 0;
        for (int c = 0; c < candidates.Length; c++)
        {
            int node = candidates[c];
            int value = valueOfNode[node];
            if (value >= 0 && counts[value] > 0)
            {
                refusals.Refuse(node, reason);
            }
            else
            {
                candidates[kept++] = node;
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public bool PreemptionCanResolve(int reasonCode) => !IsUnresolvable(reasonCode);

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add(reasonCode switch
        {
            AffinityRulesNotMatch => AffinityRulesNotMatchMessage,
            AntiAffinityRulesNotMatch => AntiAffinityRulesNotMatchMessage,
            _ => ExistingAntiAffinityRulesNotMatchMessage,
        });

    /// <summary>True when Kubernetes reports the reason as UnschedulableAndUnresolvable (preemption cannot help).</summary>
    public static bool IsUnresolvable(int reasonCode) => reasonCode == AffinityRulesNotMatch;

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var snapshot = cycle.Snapshot;
        var replica = cycle.Replica;
        BindSnapshot(snapshot);
        var matches = MatchesFor(snapshot, replica);
        var own = matches.Own;
        bool hasPreferred = own.Preferred.Length > 0;
        if (_args.IgnorePreferredTermsOfExistingPods && !hasPreferred)
        {
            return PluginStatus.Skip;
        }
        if (ReferenceEquals(_scoreReplica, replica) && _scoreVersion == snapshot.Version)
        {
            return _scoreStatus;
        }
        _scoreReplica = null;
        _scoreKeyCount = 0;
        var groups = snapshot.Groups;
        bool touched = false;

        // The incoming replica's preferred terms: +weight (affinity) or -weight (anti-affinity) per matching replica.
        for (int t = 0; t < own.Preferred.Length; t++)
        {
            var term = own.Preferred[t];
            if (term.Column is not { } column)
            {
                continue;
            }
            foreach (int g in matches.Preferred[t])
            {
                touched |= AddWeights(column, term.Weight, LoadGroup(groups[g]));
            }
        }

        // Placed replicas' required affinity (hardPodAffinityWeight) and preferred terms that match the incoming replica.
        foreach (var existing in matches.ExistingScore)
        {
            touched |= AddWeights(existing.Column, existing.Weight, LoadGroup(groups[existing.Group]));
        }

        // Kubernetes skips scoring when no term matched any replica on a node holding the term's key.
        _scoreStatus = touched ? PluginStatus.Success : PluginStatus.Skip;
        _scoreReplica = replica;
        _scoreVersion = snapshot.Version;
        return _scoreStatus;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        // One tight pass per topology key: the first writes, the others add.
        for (int k = 0; k < _scoreKeyCount; k++)
        {
            var valueOfNode = _scoreColumns[k].ValueOfNode;
            var weights = _scoreWeights[k];
            bool first = k == 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                int node = nodes[i];
                int value = valueOfNode[node];
                long score = value >= 0 ? weights[value] : 0;
                scoreByNode[node] = first ? score : scoreByNode[node] + score;
            }
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        long min = long.MaxValue, max = long.MinValue;
        foreach (int node in nodes)
        {
            long score = scoreByNode[node];
            max = Math.Max(max, score);
            min = Math.Min(min, score);
        }
        long diff = max - min;
        foreach (int node in nodes)
        {
            // Kubernetes computes in float64 and truncates: 100 * ((score - min) / diff), division first.
            scoreByNode[node] = diff > 0 ? (long)(MaxNodeScore * ((double)(scoreByNode[node] - min) / diff)) : 0;
        }
    }

    private PluginStatus FilterStatus(CompiledAffinity own) =>
        !_existingAnyMatch && own.RequiredAffinity.Length == 0 && own.RequiredAnti.Length == 0
            ? PluginStatus.Skip
            : PluginStatus.Success;

    private void BindSnapshot(ClusterSnapshot snapshot)
    {
        if (!ReferenceEquals(_snapshot, snapshot))
        {
            _snapshot = snapshot;
            _compiled.Clear();
            _matches.Clear();
            _filterReplica = null;
            _scoreReplica = null;
        }
    }

    /// <summary>The groups matching the replica's terms and the groups whose terms match it, brought up to date with new groups.</summary>
    private GroupMatches MatchesFor(ClusterSnapshot snapshot, ReplicaInfo replica)
    {
        if (!_matches.TryGetValue(replica, out var matches))
        {
            if (_matches.Count >= MaxCachedIncoming)
            {
                _matches.Clear();
            }
            var own = Compile(snapshot, replica);
            matches = new GroupMatches(own, SelfMatches(snapshot, own.RequiredAffinity, replica));
            _matches[replica] = matches;
        }
        var groups = snapshot.Groups;
        for (int g = matches.GroupsSeen; g < groups.Count; g++)
        {
            AddGroup(snapshot, matches, replica, g, groups[g].Info);
        }
        matches.GroupsSeen = groups.Count;
        return matches;
    }

    private void AddGroup(ClusterSnapshot snapshot, GroupMatches matches, ReplicaInfo incoming, int g, ReplicaInfo placed)
    {
        var own = matches.Own;
        string ns = placed.Namespace;
        var labels = placed.Labels;
        if (own.RequiredAffinity.Length > 0 && MatchesAll(snapshot, own.RequiredAffinity, ns, labels))
        {
            matches.Affinity.Add(g);
        }
        for (int t = 0; t < own.RequiredAnti.Length; t++)
        {
            if (own.RequiredAnti[t].Matches(snapshot, ns, labels))
            {
                matches.Anti[t].Add(g);
            }
        }
        for (int t = 0; t < own.Preferred.Length; t++)
        {
            if (own.Preferred[t].Matches(snapshot, ns, labels))
            {
                matches.Preferred[t].Add(g);
            }
        }
        if (!placed.HasReplicaAffinityTerms)
        {
            return;
        }

        // The placed workload's own terms, evaluated against the incoming replica (namespace selectors see its namespace).
        var theirs = Compile(snapshot, placed);
        string incomingNs = incoming.Namespace;
        var incomingLabels = incoming.Labels;
        foreach (var term in theirs.RequiredAnti)
        {
            if (term.Column is { } column && term.Matches(snapshot, incomingNs, incomingLabels))
            {
                matches.ExistingAnti.Add(new ExistingTerm(g, column, 0));
            }
        }
        if (_args.HardPodAffinityWeight > 0)
        {
            foreach (var term in theirs.RequiredAffinity)
            {
                if (term.Column is { } column && term.Matches(snapshot, incomingNs, incomingLabels))
                {
                    matches.ExistingScore.Add(new ExistingTerm(g, column, _args.HardPodAffinityWeight));
                }
            }
        }
        foreach (var term in theirs.Preferred)
        {
            if (term.Column is { } column && term.Matches(snapshot, incomingNs, incomingLabels))
            {
                matches.ExistingScore.Add(new ExistingTerm(g, column, term.Weight));
            }
        }
    }

    private static bool SelfMatches(ClusterSnapshot snapshot, Term[] terms, ReplicaInfo replica) =>
        terms.Length > 0 && MatchesAll(snapshot, terms, replica.Namespace, replica.Labels);

    private static bool MatchesAll(ClusterSnapshot snapshot, Term[] terms, string ns, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var term in terms)
        {
            if (!term.Matches(snapshot, ns, labels))
            {
                return false;
            }
        }
        return true;
    }

    private CompiledAffinity Compile(ClusterSnapshot snapshot, ReplicaInfo replica)
    {
        if (_compiled.TryGetValue(replica, out var compiled))
        {
            return compiled;
        }
        if (_compiled.Count >= MaxCachedCompiled)
        {
            _compiled.Clear();
        }
        var workload = replica.Workload;
        var affinity = workload.Affinity;
        var required = new Term[affinity.PodAffinity.Required.Count];
        for (int i = 0; i < required.Length; i++)
        {
            required[i] = Term.Compile(snapshot, workload, affinity.PodAffinity.Required[i], 0);
        }
        var anti = new Term[affinity.PodAntiAffinity.Required.Count];
        for (int i = 0; i < anti.Length; i++)
        {
            anti[i] = Term.Compile(snapshot, workload, affinity.PodAntiAffinity.Required[i], 0);
        }
        var preferredAffinity = affinity.PodAffinity.Preferred;
        var preferredAnti = affinity.PodAntiAffinity.Preferred;
        var preferred = new Term[preferredAffinity.Count + preferredAnti.Count];
        for (int i = 0; i < preferredAffinity.Count; i++)
        {
            preferred[i] = Term.Compile(snapshot, workload, preferredAffinity[i].Term, preferredAffinity[i].Weight);
        }
        for (int i = 0; i < preferredAnti.Count; i++)
        {
            preferred[preferredAffinity.Count + i] = Term.Compile(snapshot, workload, preferredAnti[i].Term, -preferredAnti[i].Weight);
        }
        compiled = new CompiledAffinity(required, anti, preferred);
        _compiled[replica] = compiled;
        return compiled;
    }

    /// <summary>Copies a group's per-node counts into the scratch arrays; returns how many nodes.</summary>
    private int LoadGroup(ReplicaGroup group)
    {
        var byNode = group.NodeCounts;
        if (_groupNodes.Length < byNode.Count)
        {
            int size = Math.Max(byNode.Count, _groupNodes.Length * 2);
            _groupNodes = new int[size];
            _groupCounts = new int[size];
        }
        int n = 0;
        // The struct enumerator: no allocation per group.
        foreach (var (node, count) in byNode)
        {
            _groupNodes[n] = node;
            _groupCounts[n++] = count;
        }
        return n;
    }

    /// <summary>Adds the loaded group's counts to its nodes' domains; true when any node had the key.</summary>
    private bool Accumulate(LabelColumn column, int[] counts, int n)
    {
        var valueOfNode = column.ValueOfNode;
        bool any = false;
        for (int i = 0; i < n; i++)
        {
            int value = valueOfNode[_groupNodes[i]];
            if (value >= 0)
            {
                counts[value] += _groupCounts[i];
                any = true;
            }
        }
        return any;
    }

    /// <summary>Adds weight × replicas of the loaded group to its nodes' domains of the key; true when any node had the key.</summary>
    private bool AddWeights(LabelColumn column, long weight, int n)
    {
        int slot = -1;
        for (int k = 0; k < _scoreKeyCount; k++)
        {
            if (ReferenceEquals(_scoreColumns[k], column))
            {
                slot = k;
                break;
            }
        }
        if (slot < 0)
        {
            slot = _scoreKeyCount++;
            if (_scoreColumns.Length < _scoreKeyCount)
            {
                Array.Resize(ref _scoreColumns, Math.Max(4, _scoreKeyCount * 2));
                Array.Resize(ref _scoreWeights, _scoreColumns.Length);
            }
            if (_longPool.Count <= slot)
            {
                _longPool.Add([]);
            }
            var buffer = _longPool[slot];
            if (buffer.Length < column.ValueCount)
            {
                buffer = new long[column.ValueCount];
                _longPool[slot] = buffer;
            }
            else
            {
                Array.Clear(buffer, 0, column.ValueCount);
            }
            _scoreColumns[slot] = column;
            _scoreWeights[slot] = buffer;
        }
        var weights = _scoreWeights[slot];
        var valueOfNode = column.ValueOfNode;
        bool any = false;
        for (int i = 0; i < n; i++)
        {
            int value = valueOfNode[_groupNodes[i]];
            if (value >= 0)
            {
                weights[value] += weight * _groupCounts[i];
                any = true;
            }
        }
        return any;
    }

    private int ExistingKeySlot(LabelColumn column)
    {
        for (int k = 0; k < _existingKeyCount; k++)
        {
            if (ReferenceEquals(_existingColumns[k], column))
            {
                return k;
            }
        }
        int slot = _existingKeyCount++;
        if (_existingColumns.Length < _existingKeyCount)
        {
            Array.Resize(ref _existingColumns, Math.Max(4, _existingKeyCount * 2));
            Array.Resize(ref _existingCounts, _existingColumns.Length);
        }
        _existingColumns[slot] = column;
        _existingCounts[slot] = RentInts(column.ValueCount);
        return slot;
    }

    /// <summary>A zeroed per-domain count buffer from the pool (returned wholesale at the next PreFilter).</summary>
    private int[] RentInts(int size)
    {
        if (_intPool.Count <= _intPoolUsed)
        {
            _intPool.Add([]);
        }
        var buffer = _intPool[_intPoolUsed];
        if (buffer.Length < size)
        {
            buffer = new int[size];
            _intPool[_intPoolUsed] = buffer;
        }
        else
        {
            Array.Clear(buffer, 0, size);
        }
        _intPoolUsed++;
        return buffer;
    }

    private static void EnsureTermCapacity(ref LabelColumn?[] columns, ref int[][] counts, int n)
    {
        if (columns.Length < n)
        {
            columns = new LabelColumn?[n];
            counts = new int[n][];
        }
    }

    /// <summary>
    /// A replica affinity term as Kubernetes' scheduler sees it: the namespaces it covers, the selector with
    /// matchLabelKeys/mismatchLabelKeys merged in (as the API server does at creation), and the topology key's column.
    /// </summary>
    private sealed class Term
    {
        private readonly string[] _namespaces;
        private readonly LabelSelector? _namespaceSelector;
        private readonly LabelSelector? _selector;

        private Term(string[] namespaces, LabelSelector? namespaceSelector, LabelSelector? selector, LabelColumn? column, long weight)
        {
            _namespaces = namespaces;
            _namespaceSelector = namespaceSelector;
            _selector = selector;
            Column = column;
            Weight = weight;
        }

        /// <summary>The topology key's column, or null when no node has the key.</summary>
        public LabelColumn? Column { get; }

        /// <summary>Signed score weight (preferred terms only): negative for anti-affinity.</summary>
        public long Weight { get; }

        public static Term Compile(ClusterSnapshot snapshot, WorkloadSpec owner, ReplicaAffinityTerm term, long weight)
        {
            // Kubernetes: no namespaces and no namespace selector means the owner's namespace; an empty selector means all.
            string[] namespaces = term.Namespaces.Count == 0 && term.NamespaceSelector is null ? [owner.Namespace] : [.. term.Namespaces];
            return new Term(namespaces, term.NamespaceSelector, WithLabelKeys(term, owner.Labels), snapshot.Labels(term.TopologyKey), weight);
        }

        private static LabelSelector? WithLabelKeys(ReplicaAffinityTerm term, IReadOnlyDictionary<string, string> ownerLabels)
        {
            var selector = term.LabelSelector;
            // A null selector matches nothing, and the API server leaves it so; keys the owner lacks are skipped.
            if (selector is null || (term.MatchLabelKeys.Count == 0 && term.MismatchLabelKeys.Count == 0))
            {
                return selector;
            }
            var expressions = new List<LabelRequirement>(selector.MatchExpressions);
            foreach (var key in term.MatchLabelKeys)
            {
                if (ownerLabels.TryGetValue(key, out var value))
                {
                    expressions.Add(new LabelRequirement(key, SelectorOperator.In, [value]));
                }
            }
            foreach (var key in term.MismatchLabelKeys)
            {
                if (ownerLabels.TryGetValue(key, out var value))
                {
                    expressions.Add(new LabelRequirement(key, SelectorOperator.NotIn, [value]));
                }
            }
            return new LabelSelector(selector.MatchLabels, expressions);
        }

        /// <summary>True when a replica of namespace <paramref name="ns"/> with <paramref name="labels"/> is selected.</summary>
        public bool Matches(ClusterSnapshot snapshot, string ns, IReadOnlyDictionary<string, string> labels)
        {
            if (_selector is null)
            {
                return false;
            }
            bool inNamespace = false;
            foreach (var name in _namespaces)
            {
                if (string.Equals(name, ns, StringComparison.Ordinal))
                {
                    inNamespace = true;
                    break;
                }
            }
            if (!inNamespace && !(_namespaceSelector is not null && _namespaceSelector.Matches(snapshot.NamespaceLabels(ns))))
            {
                return false;
            }
            return _selector.Matches(labels);
        }
    }

    private sealed class CompiledAffinity(Term[] requiredAffinity, Term[] requiredAnti, Term[] preferred)
    {
        public Term[] RequiredAffinity { get; } = requiredAffinity;

        public Term[] RequiredAnti { get; } = requiredAnti;

        /// <summary>Preferred affinity terms (positive weights), then preferred anti-affinity terms (negative weights).</summary>
        public Term[] Preferred { get; } = preferred;
    }

    /// <summary>A placed group whose own term (on <see cref="Column"/>'s key) matches the incoming replica.</summary>
    private readonly record struct ExistingTerm(int Group, LabelColumn Column, long Weight);

    /// <summary>For one incoming workload: which placed groups its terms select and which groups' terms select it.</summary>
    private sealed class GroupMatches
    {
        public GroupMatches(CompiledAffinity own, bool selfMatch)
        {
            Own = own;
            SelfMatch = selfMatch;
            Anti = new List<int>[own.RequiredAnti.Length];
            for (int i = 0; i < Anti.Length; i++)
            {
                Anti[i] = [];
            }
            Preferred = new List<int>[own.Preferred.Length];
            for (int i = 0; i < Preferred.Length; i++)
            {
                Preferred[i] = [];
            }
        }

        public CompiledAffinity Own { get; }

        /// <summary>The incoming replica matches all of its own required affinity terms.</summary>
        public bool SelfMatch { get; }

        /// <summary>How many snapshot groups have been examined; later groups are examined on the next use.</summary>
        public int GroupsSeen { get; set; }

        /// <summary>Groups matching all required affinity terms.</summary>
        public List<int> Affinity { get; } = [];

        /// <summary>Per required anti-affinity term, the groups it matches.</summary>
        public List<int>[] Anti { get; }

        /// <summary>Per preferred term, the groups it matches.</summary>
        public List<int>[] Preferred { get; }

        /// <summary>Groups' required anti-affinity terms that match the incoming replica.</summary>
        public List<ExistingTerm> ExistingAnti { get; } = [];

        /// <summary>Groups' required affinity (hard weight) and preferred terms that match the incoming replica.</summary>
        public List<ExistingTerm> ExistingScore { get; } = [];
    }
}
