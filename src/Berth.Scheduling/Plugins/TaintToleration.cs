using Berth.Core.Specs;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Plugins;

/// <summary>
/// Refuses nodes with a NoSchedule or NoExecute taint the workload does not tolerate, and prefers nodes with fewer
/// untolerated PreferNoSchedule taints (Kubernetes' TaintToleration).
/// </summary>
public sealed class TaintToleration : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The plugin's name in profiles.</summary>
    public const string Name = "TaintToleration";

    // Per cycle, reused: the workload's tolerations for filtering, and for scoring only those whose effect is
    // PreferNoSchedule or unset (an unset effect tolerates every effect), as Kubernetes' PreScore keeps them.
    private Toleration[] _tolerations = [];
    private int _tolerationCount;
    private Toleration[] _preferTolerations = [];
    private int _preferCount;

    string ISchedulingPlugin.Name => Name;

    /// <inheritdoc />
    public PluginStatus PreFilter(SchedulingCycle cycle)
    {
        var tolerations = cycle.Replica.Workload.Tolerations;
        if (_tolerations.Length < tolerations.Count)
        {
            _tolerations = new Toleration[tolerations.Count];
        }
        for (int i = 0; i < tolerations.Count; i++)
        {
            _tolerations[i] = tolerations[i];
        }
        _tolerationCount = tolerations.Count;
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    /// <remarks>The reason code is the index, in the node's taint list, of the first untolerated NoSchedule or NoExecute taint.</remarks>
    public int Filter(SchedulingCycle cycle, Span<int> candidates, RefusalRecorder refusals)
    {
        var snapshot = cycle.Snapshot;
        var tolerations = _tolerations.AsSpan(0, _tolerationCount);
        int kept = 0;
        foreach (int node in candidates)
        {
            int untolerated = FirstUntolerated(snapshot.TaintsOf(node), tolerations);
            if (untolerated < 0)
            {
                candidates[kept++] = node;
            }
            else
            {
                refusals.Refuse(node, untolerated);
            }
        }
        return kept;
    }

    /// <inheritdoc />
    public bool RefusalDependsOnNode => true;

    /// <inheritdoc />
    public void DescribeRefusal(SchedulingCycle cycle, int node, int reasonCode, List<string> reasons) =>
        reasons.Add($"node(s) had untolerated taint {cycle.Snapshot.TaintsOf(node)[reasonCode]}");

    /// <inheritdoc />
    public PluginStatus PreScore(SchedulingCycle cycle, ReadOnlySpan<int> feasibleNodes)
    {
        var tolerations = cycle.Replica.Workload.Tolerations;
        if (_preferTolerations.Length < tolerations.Count)
        {
            _preferTolerations = new Toleration[tolerations.Count];
        }
        _preferCount = 0;
        foreach (var toleration in tolerations)
        {
            if (toleration.Effect is null or TaintEffect.PreferNoSchedule)
            {
                _preferTolerations[_preferCount++] = toleration;
            }
        }
        return PluginStatus.Success;
    }

    /// <inheritdoc />
    /// <remarks>The raw score is the number of PreferNoSchedule taints not tolerated; normalization reverses it.</remarks>
    public void Score(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode)
    {
        var snapshot = cycle.Snapshot;
        var tolerations = _preferTolerations.AsSpan(0, _preferCount);
        foreach (int node in nodes)
        {
            long count = 0;
            foreach (var taint in snapshot.TaintsOf(node))
            {
                if (taint.Effect == TaintEffect.PreferNoSchedule && !AnyTolerates(tolerations, taint))
                {
                    count++;
                }
            }
            scoreByNode[node] = count;
        }
    }

    /// <inheritdoc />
    public bool TryUniformScore(SchedulingCycle cycle, out long score)
    {
        // No node carries a PreferNoSchedule taint: every raw count is 0, which reverse normalization turns into 100.
        score = MaxNodeScoreForUniform;
        return !cycle.Snapshot.AnyPreferNoScheduleTaint;
    }

    private const long MaxNodeScoreForUniform = 100;

    /// <inheritdoc />
    public void NormalizeScore(SchedulingCycle cycle, ReadOnlySpan<int> nodes, Span<long> scoreByNode) =>
        ScoreNormalization.Default(nodes, scoreByNode, reverse: true);

    private static int FirstUntolerated(Taint[] taints, ReadOnlySpan<Toleration> tolerations)
    {
        for (int t = 0; t < taints.Length; t++)
        {
            var taint = taints[t];
            // Only taints that keep replicas off the node count here; PreferNoSchedule is for scoring.
            if (taint.Effect is TaintEffect.NoSchedule or TaintEffect.NoExecute && !AnyTolerates(tolerations, taint))
            {
                return t;
            }
        }
        return -1;
    }

    private static bool AnyTolerates(ReadOnlySpan<Toleration> tolerations, Taint taint)
    {
        foreach (var toleration in tolerations)
        {
            if (toleration.Tolerates(taint))
            {
                return true;
            }
        }
        return false;
    }
}
