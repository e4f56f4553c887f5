using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Observability;

/// <summary>How many nodes, workloads and assignments the control loop's <see cref="ClusterCache"/> holds, by status; feeds the gauges of <see cref="BerthMetrics"/>.</summary>
public sealed class ClusterCensus
{
    private readonly int[] _workloads = new int[Enum.GetValues<DesiredState>().Length];
    private readonly int[] _assignments = new int[Enum.GetValues<AssignmentState>().Length];

    private ClusterCensus()
    {
    }

    /// <summary>A census of an empty store.</summary>
    public static ClusterCensus Empty { get; } = new();

    /// <summary>Nodes whose status is Ready.</summary>
    public int ReadyNodes { get; private set; }

    /// <summary>Nodes whose status is NotReady.</summary>
    public int NotReadyNodes { get; private set; }

    /// <summary>Nodes that are cordoned, whatever their status.</summary>
    public int CordonedNodes { get; private set; }

    /// <summary>Replicas that have an unschedulable summary: the last attempt to place them found no node.</summary>
    public int UnschedulableReplicas { get; private set; }

    /// <summary>
    /// Replicas a running workload wants that have no assignment and no unschedulable summary: the next pass tries them
    /// (kube-scheduler's active queue).
    /// </summary>
    public int ActiveReplicas { get; private set; }

    /// <summary>Workloads whose desired state is <paramref name="state"/>.</summary>
    public int Workloads(DesiredState state) => _workloads[(int)state];

    /// <summary>Assignments in <paramref name="state"/>.</summary>
    public int Assignments(AssignmentState state) => _assignments[(int)state];

    /// <summary>Counts what <paramref name="cache"/> holds (the control loop's view, current while it follows the store).</summary>
    public static ClusterCensus Count(ClusterCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var census = new ClusterCensus();
        cache.Inspect((nodes, workloads, assignments, unschedulable) =>
        {
            foreach (var node in nodes)
            {
                census.CountNode(node);
            }
            var assigned = new Dictionary<WorkloadKey, int>();
            foreach (var assignment in assignments)
            {
                census._assignments[(int)assignment.State]++;
                assigned[assignment.Workload] = assigned.GetValueOrDefault(assignment.Workload) + 1;
            }
            int unassigned = 0;
            foreach (var workload in workloads)
            {
                census._workloads[(int)workload.DesiredState]++;
                // A fleet workload is placed through its derived workloads, which are counted themselves.
                if (workload.DesiredState == DesiredState.Running && workload.Placement is null)
                {
                    unassigned += Math.Max(0, workload.Replicas - assigned.GetValueOrDefault(WorkloadKey.Of(workload)));
                }
            }
            census.UnschedulableReplicas = unschedulable;
            census.ActiveReplicas = Math.Max(0, unassigned - unschedulable);
        });
        return census;
    }

    private void CountNode(NodeRecord node)
    {
        if (node.Status.Ready)
        {
            ReadyNodes++;
        }
        else
        {
            NotReadyNodes++;
        }
        if (node.Spec.Unschedulable)
        {
            CordonedNodes++;
        }
    }
}
