using Berth.Core.Specs;

namespace Berth.Server.State;

/// <summary>What the store holds at <c>/nodes/{node}</c>: the node as registered and its last reported status.</summary>
/// <param name="Spec">The node as registered (name, labels, taints, allocatable, cordon).</param>
/// <param name="Status">Readiness and heartbeat; <see cref="NodeStatus.Ready"/> overrides <see cref="NodeSpec.Ready"/>.</param>
public sealed record NodeRecord(NodeSpec Spec, NodeStatus Status)
{
    /// <summary>The spec the scheduler sees: readiness taken from <see cref="Status"/>.</summary>
    public NodeSpec EffectiveSpec => Spec.Ready == Status.Ready ? Spec : Spec with { Ready = Status.Ready };
}
