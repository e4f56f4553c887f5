namespace Berth.Server.Placement;

/// <summary>The answer to <c>POST /v1/plan</c>: what an apply of the same manifests would do, computed without writing anything.</summary>
/// <param name="Revision">The store revision the preview was computed against; an apply after later writes may differ.</param>
/// <param name="Workloads">One entry per workload, in manifest order.</param>
public sealed record PlanPreview(long Revision, IReadOnlyList<WorkloadPreview> Workloads);
