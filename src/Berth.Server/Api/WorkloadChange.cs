namespace Berth.Server.Api;

/// <summary>What <see cref="WorkloadWriter"/> did with a scale, stop or start, as a value the endpoint branches on.</summary>
/// <param name="Outcome">Changed, unchanged, not found or invalid.</param>
/// <param name="Response">The workload as it now stands; null when not found or invalid.</param>
/// <param name="Message">Why the change is invalid (names the field, the value and the allowed range); empty otherwise.</param>
public sealed record WorkloadChange(WorkloadChangeOutcome Outcome, WorkloadChangeResponse? Response, string Message)
{
    /// <summary>No such workload.</summary>
    public static WorkloadChange NotFound { get; } = new(WorkloadChangeOutcome.NotFound, null, "");

    /// <summary>The change does not fit the workload.</summary>
    public static WorkloadChange Invalid(string message) => new(WorkloadChangeOutcome.Invalid, null, message);
}
