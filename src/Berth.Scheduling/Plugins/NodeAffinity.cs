using Berth.Core.Labels;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Refuses nodes that do not match the workload's node selector and required node affinity, and scores nodes by the
/// summed weights of the preferred node-affinity terms they match (Kubernetes' NodeAffinity).
/// </summary>
/// <remarks>
/// Selectors are compiled once per cycle into node bitsets from the snapshot's label columns (value id → nodes), so
/// Filter and Score test one bit per node and term instead of comparing label strings.
/// </remarks>
public sealed class NodeAffinity : IPreFilterNodeSet, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "NodeAffinity";

    /// <summary>Kubernetes' reason text for a node that does not match the selector or required affinity.</summary>
    public const string ReasonText = "node(s) didn't match Pod's node affinity/selector";

    /// <summary>
    /// Kubernetes' text for nodes left out because every required term names nodes by <c>metadata.name</c> In and the
    /// node is not among them (Kubernetes' PreFilterResult: such nodes never reach the filters).
    /// </summary>
    public const string NotNamedReasonText = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

    /// <summary>Kubernetes' text when every required term names nodes by <c>metadata.name</c> and no name is left.</summary>
    public const string ConflictReasonText = "pod affinity terms conflict";

    private const int ReasonNotMatched = 0;
    private const int ReasonNotNamed = 1;
    private const int ReasonConflict = 2;

    // Per-cycle filter state: the nodes that match, and (when the required terms name nodes) the named nodes.
    private NodeBitset _allowed = new(0);
    private NodeBitset _named = new(0);
    private bool _hasNamed;

    // Scratch sets for compiling, reused.
    private NodeBitset _union = new(0);
    private NodeBitset _term = new(0);
    private NodeBitset _requirement = new(0);
    private NodeBitset _excluded = new(0);
    private bool[] _matchById = [];
    private readonly HashSet<string> _termNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _allNames = new(StringComparer.Ordinal);

    // Per-cycle score state: one node set and weight per preferred term that can match.
    private readonly List<NodeBitset> _preferredSets = [];
    private long[] _preferredWeights = [];
    private int _preferredCount;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var workload = cycle.Replica.Workload;
        var selector = workload.NodeSelector;
        var required = workload.Affinity.NodeAffinity.Required;
        if (selector.Count == 0 && required is null)
        {
            return PluginStatus.Skip;
        }
        var snapshot = cycle.Snapshot;
        int n = snapshot.NodeCount;
        Fit(ref _allowed, n);
        Fit(ref _union, n);
        Fit(ref _term, n);
        Fit(ref _requirement, n);
        Fit(ref _excluded, n);
        _allowed.SetAll();
        _hasNamed = false;

        // nodeSelector: every pair must be present with exactly that value.
        foreach (var (key, value) in selector)
        {
            var column = snapshot.Labels(key);
            int id = column?.IdOf(value) ?? -1;
            if (id < 0)
            {
                _allowed.Clear(n);
                break;
            }
            _allowed.IntersectWith(column!.NodesWithValue(id));
        }

        if (required is not null)
        {
            // Terms are ORed; a selector with no terms matches no node.
            _union.Clear(n);
            foreach (var term in required.Terms)
            {
                CompileTerm(snapshot, term, _term);
                _union.UnionWith(_term);
            }
            _allowed.IntersectWith(_union);
            if (NamedNodes(snapshot, required) is { } status)
            {
                return status;
            }
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public NodeBitset? NodesToFilter(out int reasonCode)
    {
        reasonCode = ReasonNotNamed;
        return _hasNamed ? _named : null;
    }

    /// <inheritdoc />
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var allowed = _allowed;
        var named = _named;
        bool hasNamed = _hasNamed;
        int kept = 0;
        foreach (int node in candidates)
        {
            if (hasNamed && !named.Contains(node))
            {
                refusals.Refuse(node, ReasonNotNamed);
            }
            else if (!allowed.Contains(node))
            {
                refusals.Refuse(node, ReasonNotMatched);
            }
            else
            {
                candidates[kept++] = node;
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add(reasonCode switch
        {
            ReasonNotNamed => NotNamedReasonText,
            ReasonConflict => ConflictReasonText,
            _ => ReasonText,
        });

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var preferred = cycle.Replica.Workload.Affinity.NodeAffinity.Preferred;
        if (preferred.Count == 0)
        {
            return PluginStatus.Skip;
        }
        var snapshot = cycle.Snapshot;
        int n = snapshot.NodeCount;
        Fit(ref _requirement, n);
        Fit(ref _excluded, n);
        if (_preferredWeights.Length < preferred.Count)
        {
            _preferredWeights = new long[preferred.Count];
        }
        _preferredCount = 0;
        foreach (var term in preferred)
        {
            // Kubernetes drops zero-weight and empty terms; a term it cannot parse matches nothing here
            // (Kubernetes fails the cycle; manifest validation rejects such terms before they get here).
            if (term.Weight == 0 || !IsValid(term.Preference))
            {
                continue;
            }
            if (_preferredSets.Count <= _preferredCount)
            {
                _preferredSets.Add(new NodeBitset(n));
            }
            var set = _preferredSets[_preferredCount];
            if (set.NodeCount != n)
            {
                _preferredSets[_preferredCount] = set = new NodeBitset(n);
            }
            CompileTerm(snapshot, term.Preference, set);
            _preferredWeights[_preferredCount] = term.Weight;
            _preferredCount++;
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        int count = _preferredCount;
        foreach (int node in nodes)
        {
            long score = 0;
            for (int t = 0; t < count; t++)
            {
                if (_preferredSets[t].Contains(node))
                {
                    score += _preferredWeights[t];
                }
            }
            scoreByNode[node] = score;
        }
    }

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode) =>
        ScoreNormalization.Default(nodes, scoreByNode, reverse: false);

    /// <summary>
    /// Kubernetes' PreFilterResult: when every required term has <c>metadata.name In</c> fields, only the named nodes
    /// (the union over terms of each term's intersection) are evaluated. Returns Unschedulable when that leaves no name.
    /// </summary>
    private PluginStatus? NamedNodes(ClusterSnapshot snapshot, NodeSelector required)
    {
        if (required.Terms.Count == 0)
        {
            return null;
        }
        _allNames.Clear();
        foreach (var term in required.Terms)
        {
            bool any = false;
            _termNames.Clear();
            foreach (var field in term.MatchFields)
            {
                if (field.Key != NodeSelectorTerm.NodeNameField || field.Operator != SelectorOperator.In)
                {
                    continue;
                }
                if (!any)
                {
                    _termNames.UnionWith(field.Values);
                    any = true;
                }
                else
                {
                    _termNames.IntersectWith(field.Values);
                }
            }
            if (!any)
            {
                // A term without a name field admits every node, since terms are ORed.
                return null;
            }
            _allNames.UnionWith(_termNames);
        }
        if (_allNames.Count == 0)
        {
            return PluginStatus.Unschedulable(ReasonConflict);
        }
        // Names no node has are ignored, as Kubernetes ignores names missing from its snapshot.
        int n = snapshot.NodeCount;
        Fit(ref _named, n);
        _named.Clear(n);
        foreach (var name in _allNames)
        {
            int node = snapshot.IndexOf(name);
            if (node >= 0)
            {
                _named.Add(node);
            }
        }
        _hasNamed = true;
        return null;
    }

    /// <summary>Writes into <paramref name="into"/> the nodes matching a term; invalid or empty terms match none.</summary>
    private void CompileTerm(ClusterSnapshot snapshot, NodeSelectorTerm term, NodeBitset into)
    {
        int n = snapshot.NodeCount;
        into.Clear(n);
        if ((term.MatchExpressions.Count == 0 && term.MatchFields.Count == 0) || !IsValid(term))
        {
            return;
        }
        into.SetAll();
        foreach (var expression in term.MatchExpressions)
        {
            CompileLabelRequirement(snapshot, expression, _requirement);
            into.IntersectWith(_requirement);
        }
        foreach (var field in term.MatchFields)
        {
            CompileFieldRequirement(snapshot, field, _requirement);
            into.IntersectWith(_requirement);
        }
    }

    private void CompileLabelRequirement(ClusterSnapshot snapshot, LabelRequirement requirement, NodeBitset into)
    {
        int n = snapshot.NodeCount;
        var column = snapshot.Labels(requirement.Key);
        into.Clear(n);
        switch (requirement.Operator)
        {
            case SelectorOperator.In:
                UnionValues(column, requirement.Values, into);
                break;
            case SelectorOperator.NotIn:
                // NotIn holds where the key is absent too.
                _excluded.Clear(n);
                UnionValues(column, requirement.Values, _excluded);
                into.SetAll();
                into.ExceptWith(_excluded);
                break;
            case SelectorOperator.Exists:
                if (column is not null)
                {
                    into.UnionWith(column.NodesWithKey());
                }
                break;
            case SelectorOperator.DoesNotExist:
                into.SetAll();
                if (column is not null)
                {
                    into.ExceptWith(column.NodesWithKey());
                }
                break;
            case SelectorOperator.Gt:
            case SelectorOperator.Lt:
                if (column is not null)
                {
                    CompileComparison(column, requirement, into);
                }
                break;
        }
    }

    private void UnionValues(LabelColumn? column, IReadOnlyList<string> values, NodeBitset into)
    {
        if (column is null)
        {
            return;
        }
        foreach (var value in values)
        {
            int id = column.IdOf(value);
            if (id >= 0)
            {
                into.UnionWith(column.NodesWithValue(id));
            }
        }
    }

    /// <summary>Gt/Lt: each distinct value is parsed once; values that are not integers never match.</summary>
    private void CompileComparison(LabelColumn column, LabelRequirement requirement, NodeBitset into)
    {
        LabelRequirement.TryInt(requirement.Values[0], out long bound);
        int values = column.ValueCount;
        if (_matchById.Length < values)
        {
            _matchById = new bool[values];
        }
        bool greater = requirement.Operator == SelectorOperator.Gt;
        for (int id = 0; id < values; id++)
        {
            _matchById[id] = LabelRequirement.TryInt(column.Value(id), out long v) && (greater ? v > bound : v < bound);
        }
        var valueOfNode = column.ValueOfNode;
        for (int node = 0; node < valueOfNode.Length; node++)
        {
            int id = valueOfNode[node];
            if (id >= 0 && _matchById[id])
            {
                into.Add(node);
            }
        }
    }

    /// <summary>matchFields: only <c>metadata.name</c> has a value on a node; other keys read as empty.</summary>
    private static void CompileFieldRequirement(ClusterSnapshot snapshot, LabelRequirement requirement, NodeBitset into)
    {
        int n = snapshot.NodeCount;
        string value = requirement.Values[0];
        bool isName = requirement.Key == NodeSelectorTerm.NodeNameField;
        int node = isName ? snapshot.IndexOf(value) : -1;
        bool matchesEmpty = !isName && value.Length == 0;
        into.Clear(n);
        if (requirement.Operator == SelectorOperator.In)
        {
            if (node >= 0)
            {
                into.Add(node);
            }
            else if (matchesEmpty)
            {
                into.SetAll();
            }
        }
        else
        {
            if (!matchesEmpty)
            {
                into.SetAll();
            }
            if (node >= 0)
            {
                into.Remove(node);
            }
        }
    }

    /// <summary>
    /// What Kubernetes can parse: In/NotIn with values, Exists/DoesNotExist without, Gt/Lt with one integer;
    /// fields only In/NotIn with exactly one value. A term that fails to parse matches no node.
    /// </summary>
    private static bool IsValid(NodeSelectorTerm term)
    {
        foreach (var e in term.MatchExpressions)
        {
            bool ok = e.Operator switch
            {
                SelectorOperator.In or SelectorOperator.NotIn => e.Values.Count > 0,
                SelectorOperator.Exists or SelectorOperator.DoesNotExist => e.Values.Count == 0,
                SelectorOperator.Gt or SelectorOperator.Lt => e.Values.Count == 1 && LabelRequirement.TryInt(e.Values[0], out _),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        foreach (var f in term.MatchFields)
        {
            if (f.Operator is not (SelectorOperator.In or SelectorOperator.NotIn) || f.Values.Count != 1)
            {
                return false;
            }
        }
        return true;
    }

    private static void Fit(ref NodeBitset set, int nodeCount)
    {
        // A fresh set when the cluster size changes, so SetAll never marks bits beyond the last node.
        if (set.NodeCount != nodeCount)
        {
            set = new NodeBitset(nodeCount);
        }
    }
}
