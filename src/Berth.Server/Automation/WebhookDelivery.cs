namespace Berth.Server.Automation;

/// <summary>
/// What the store holds at <c>/automation/deliveries/{id}</c>: one webhook call owed for one firing, with every attempt.
/// Created Pending in the transaction that fires the episode; the leader's <see cref="WebhookDispatcher"/> sends it.
/// The secret is not here: it is read from the rule at each attempt.
/// </summary>
/// <param name="Id">The delivery id (lower-case hex, sorting by creation time), sent as <c>X-Berth-Delivery</c>.</param>
/// <param name="Rule">The rule that fired.</param>
/// <param name="Subject">The subject it fired for.</param>
/// <param name="Episode">The episode id, <c>{rule}/{subject}/{number}</c>.</param>
/// <param name="Action">The index of the webhook action among the rule's actions.</param>
/// <param name="Url">Where it is sent.</param>
/// <param name="FiredAt">When the episode fired.</param>
/// <param name="Condition">What the condition saw, for people.</param>
/// <param name="MaxAttempts">How many attempts are made before it is Failed.</param>
/// <param name="State">Pending, Succeeded or Failed.</param>
/// <param name="NextAttemptAt">When the next attempt is due; null once it is Succeeded or Failed.</param>
/// <param name="Attempts">Every attempt made, in order.</param>
public sealed record WebhookDelivery(
    string Id,
    string Rule,
    string Subject,
    string Episode,
    int Action,
    string Url,
    DateTimeOffset FiredAt,
    string Condition,
    int MaxAttempts,
    WebhookDeliveryState State,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<WebhookAttempt> Attempts);
