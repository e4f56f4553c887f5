using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>A machine that replicas can be placed on.</summary>
/// <param name="Unschedulable">Cordoned: no new replicas.</param>
/// <param name="Ready">False when the node's agent is not healthy.</param>
public sealed record NodeSpec(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<Taint> Taints,
    ResourceList Allocatable,
    bool Unschedulable = false,
    bool Ready = true);
