namespace Berth.Server.Automation;

/// <summary>One try of a webhook delivery.</summary>
/// <param name="Number">1 for the first try.</param>
/// <param name="At">When it was sent.</param>
/// <param name="Status">The HTTP status answered; null when no answer came (refused, timed out).</param>
/// <param name="Error">Why it failed; null when it succeeded.</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? Status, string? Error, double DurationMs);
