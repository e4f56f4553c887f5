namespace Berth.Core.Specs;

/// <summary>One action of a rule: exactly one of the three kinds is set.</summary>
/// <param name="Event">Give the rule's RuleFired event a reason and message of its own.</param>
/// <param name="Cordon">Cordon the node the condition holds for.</param>
/// <param name="Webhook">POST a signed JSON payload to a URL.</param>
public sealed record RuleAction(EventAction? Event = null, CordonAction? Cordon = null, WebhookAction? Webhook = null);
