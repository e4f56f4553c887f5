using Berth.Core.Specs;

namespace Berth.Bench;

/// <summary>Init replicas of one workload, placed through the scheduler before the clock starts.</summary>
internal sealed record InitGroup(WorkloadSpec Workload, int Count);
