namespace Berth.Core.Specs;

/// <summary>Taints a node carries because of its state, as Kubernetes' node lifecycle controller adds them.</summary>
public static class WellKnownTaints
{
    /// <summary>The key of the taint a cordoned node carries (effect NoSchedule).</summary>
    public const string UnschedulableKey = "node.kubernetes.io/unschedulable";

    /// <summary>The key of the taints a node whose agent is not ready carries (effects NoSchedule and NoExecute).</summary>
    public const string NotReadyKey = "node.kubernetes.io/not-ready";

    /// <summary>The cordon taint.</summary>
    public static readonly Taint Unschedulable = new(UnschedulableKey, "", TaintEffect.NoSchedule);

    /// <summary>The not-ready taints.</summary>
    public static readonly IReadOnlyList<Taint> NotReady =
        [new(NotReadyKey, "", TaintEffect.NoSchedule), new(NotReadyKey, "", TaintEffect.NoExecute)];

    /// <summary>The node's own taints followed by those its state implies (cordoned, not ready), each once.</summary>
    public static Taint[] Effective(NodeSpec node)
    {
        var taints = new List<Taint>(node.Taints);
        void Add(Taint taint)
        {
            if (!taints.Contains(taint))
            {
                taints.Add(taint);
            }
        }
        if (node.Unschedulable)
        {
            Add(Unschedulable);
        }
        if (!node.Ready)
        {
            foreach (var taint in NotReady)
            {
                Add(taint);
            }
        }
        return [.. taints];
    }
}
