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
    /// <summary>
    /// The budgets of the workloads <paramref name="cache"/> holds, built on first read: only a cycle that preempts reads
    /// them, so placements that fit pay nothing for them.
    /// </summary>
    public static IReadOnlyList<DisruptionBudget> Of(ClusterCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return new OnFirstRead(() => From(cache.Workloads().Living));
    }

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
    private sealed class OnFirstRead(Func<IReadOnlyList<DisruptionBudget>> build) : IReadOnlyList<DisruptionBudget>
    {
        private IReadOnlyList<DisruptionBudget>? _budgets;

        private IReadOnlyList<DisruptionBudget> Budgets => _budgets ??= build();

        public DisruptionBudget this[int index] => Budgets[index];

        public int Count => Budgets.Count;

        public IEnumerator<DisruptionBudget> GetEnumerator() => Budgets.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
