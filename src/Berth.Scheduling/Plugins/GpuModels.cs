using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// The GPU models of a snapshot's nodes (label <c>gpu.model</c>) as bits, and which of them a replica's node selector and
/// required node affinity allow, reading only their terms on <c>gpu.model</c>.
/// </summary>
/// <remarks>
/// Model <c>i</c> of the label column is bit <c>i</c>; nodes without the label (and models past the 63rd) share the top bit.
/// Other keys in a term are taken as met: fragmentation only needs to know which models a kind of task can use.
/// </remarks>
internal sealed class GpuModels
{
    private const int Unlabelled = 63;

    private readonly string[] _values;

    public GpuModels(ClusterSnapshot snapshot)
    {
        Column = snapshot.Labels(WellKnownLabels.GpuModel);
        _values = Column is null ? [] : [.. Enumerable.Range(0, Column.ValueCount).Select(Column.Value)];
    }

    /// <summary>The label column these bits index (null when no node has a model).</summary>
    public LabelColumn? Column { get; }

    /// <summary>The node's model bit.</summary>
    public ulong BitOf(int node)
    {
        int id = Column is null ? -1 : Column.ValueOfNode[node];
        return 1UL << (id is >= 0 and < Unlabelled ? id : Unlabelled);
    }

    /// <summary>The models a workload may run on.</summary>
    public ulong AllowedFor(WorkloadSpec workload)
    {
        var selector = workload.NodeSelector;
        var required = workload.Affinity.NodeAffinity.Required;
        bool anySelected = selector.ContainsKey(WellKnownLabels.GpuModel);
        if (!anySelected && required is null)
        {
            return ulong.MaxValue;
        }
        ulong allowed = 0;
        for (int bit = 0; bit <= Unlabelled; bit++)
        {
            string? value = bit < _values.Length && bit < Unlabelled ? _values[bit] : null;
            if (bit >= _values.Length && bit < Unlabelled)
            {
                continue;
            }
            if (Allows(selector, required, value))
            {
                allowed |= 1UL << bit;
            }
        }
        return allowed;
    }

    private static bool Allows(IReadOnlyDictionary<string, string> selector, NodeSelector? required, string? model)
    {
        if (selector.TryGetValue(WellKnownLabels.GpuModel, out var wanted) && !string.Equals(wanted, model, StringComparison.Ordinal))
        {
            return false;
        }
        if (required is null)
        {
            return true;
        }
        foreach (var term in required.Terms)
        {
            bool matches = term.MatchExpressions.Count > 0 || term.MatchFields.Count > 0;
            foreach (var expression in term.MatchExpressions)
            {
                if (expression.Key == WellKnownLabels.GpuModel && !expression.MatchesValue(model))
                {
                    matches = false;
                    break;
                }
            }
            if (matches)
            {
                return true;
            }
        }
        return false;
    }
}
