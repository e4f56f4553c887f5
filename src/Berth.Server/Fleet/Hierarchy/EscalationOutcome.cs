namespace Berth.Server.Fleet.Hierarchy;

/// <summary>The hierarchy's answer for a fleet workload this control plane could not place.</summary>
/// <param name="Result">What happened.</param>
/// <param name="Message">Why, for the decision's reason and the event; empty for <see cref="EscalationResult.None"/>.</param>
public sealed record EscalationOutcome(EscalationResult Result, string Message)
{
    /// <summary>Nothing done.</summary>
    public static EscalationOutcome None { get; } = new(EscalationResult.None, "");
}
