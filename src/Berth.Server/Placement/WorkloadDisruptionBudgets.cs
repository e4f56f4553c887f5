using System.Globalization;
using Berth.Core.Labels;
using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Placement;

/// <summary>
/// The disruption budgets the control plane's preemption honours: each workload that declares a minimum
/// (<c>replicas: {min: N, max: M}</c>, <see cref="WorkloadSpec.ReplicaRange"/>) keeps at least N replicas available, as a
/// Kubernetes PodDisruptionBudget with <c>minAvailable: N</c> over the workload's labels would.
/// </summary>
/// <remarks>
/// The budget selects by the workload's labels (as a PodDisruptionBudget selects pods), so it also covers another workload
/// in the namespace carrying the same labels; a workload without labels gets no budget, as an empty selector covers
/// nothing for preemption. Breaking a budget is a cost, not a veto (Kubernetes' semantics): preemption prefers nodes whose
/// victims break none, and reprieves budgeted victims first.
/// </remarks>
public static class WorkloadDisruptionBudgets
{
    /// <summary>One budget per workload with a positive minimum and labels, named after the workload.</summary>
    public static IReadOnlyList<DisruptionBudget> From(IEnumerable<Stored<WorkloadSpec>> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        List<DisruptionBudget>? budgets = null;
        foreach (var stored in workloads)
        {
            var spec = stored.Value;
            if (spec.ReplicaRange is { Min: > 0 } range && spec.Labels.Count > 0 && spec.DesiredState == DesiredState.Running)
            {
                budgets ??= [];
                budgets.Add(new DisruptionBudget(spec.Name, spec.Namespace, LabelSelector.ForLabels(spec.Labels),
                    MinAvailable: range.Min.ToString(CultureInfo.InvariantCulture)));
            }
        }
        return budgets ?? (IReadOnlyList<DisruptionBudget>)[];
    }
}
