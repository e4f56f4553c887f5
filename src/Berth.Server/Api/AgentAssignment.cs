using Berth.Core.Specs;
using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>One replica an agent should run (or stop): its assignment and the workload spec it runs.</summary>
/// <param name="Key">The assignment's store key.</param>
/// <param name="Revision">The assignment's mod revision: it moves on every state change, so an agent can tell a re-armed (Failed, then Pending again) replica from the one it saw exit.</param>
/// <param name="Assignment">The assignment.</param>
/// <param name="Workload">The workload spec (containers, env ...).</param>
/// <param name="WorkloadRevision">The workload's mod revision: agents apply idempotently by (workload, replica, this revision).</param>
public sealed record AgentAssignment(string Key, long Revision, Assignment Assignment, WorkloadSpec Workload, long WorkloadRevision);
