using Berth.Server.State;

namespace Berth.Server.Nodes;

/// <summary>One replica copy an agent says it holds (<see cref="NodeInventory"/>).</summary>
/// <param name="Workload">The copy's workload.</param>
/// <param name="Replica">The replica index.</param>
/// <param name="WorkloadRevision">The workload revision the copy runs.</param>
public readonly record struct RunningReplica(WorkloadKey Workload, int Replica, long WorkloadRevision);
