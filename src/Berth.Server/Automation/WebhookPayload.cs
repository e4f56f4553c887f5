namespace Berth.Server.Automation;

/// <summary>The JSON body POSTed for a webhook delivery (docs/automation.md); the signature covers exactly these bytes.</summary>
/// <param name="Rule">The rule that fired.</param>
/// <param name="Subject">The node, pool or workload (<c>namespace/name</c>) it fired for.</param>
/// <param name="Episode">The episode id, <c>{rule}/{subject}/{number}</c>: the same in every attempt, so a receiver can drop repeats.</param>
/// <param name="FiredAt">When the episode fired.</param>
/// <param name="Condition">What the condition saw.</param>
/// <param name="Delivery">The delivery id, also sent as <c>X-Berth-Delivery</c>.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="Timestamp">When this attempt was sent, in Unix seconds, also sent as <c>X-Berth-Timestamp</c>; signed with the rest, so a receiver can refuse old replays.</param>
public sealed record WebhookPayload(string Rule, string Subject, string Episode, DateTimeOffset FiredAt, string Condition, string Delivery, int Attempt, long Timestamp);
