namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/apply</c>.</summary>
/// <param name="Revision">The store revision after the apply.</param>
/// <param name="Workloads">Each applied workload, in manifest order.</param>
public sealed record ApplyResponse(long Revision, IReadOnlyList<AppliedWorkload> Workloads)
{
    /// <summary>Each applied object of another kind (priority classes, quotas, reservations ...), in manifest order.</summary>
    public IReadOnlyList<AppliedObject> Objects { get; init; } = [];
}
