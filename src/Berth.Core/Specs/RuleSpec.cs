namespace Berth.Core.Specs;

/// <summary>
/// An automation rule (the design's automation hooks): a condition evaluated by the leader for each subject it is
/// about (a node, a workload or a pool) and the actions taken once each time it starts to hold for a subject.
/// </summary>
/// <param name="Name">The rule's name (a DNS-1123 subdomain), cluster-wide.</param>
/// <param name="Condition">What must hold, and for which subjects.</param>
/// <param name="Actions">What to do, in order, once per episode (each time the condition starts to hold for a subject).</param>
public sealed record RuleSpec(string Name, RuleCondition Condition, IReadOnlyList<RuleAction> Actions)
{
    /// <summary>What <c>get</c> and <c>describe</c> show in place of an inline webhook secret.</summary>
    public const string HiddenSecret = "(hidden)";

    /// <summary>The same rule with every inline webhook secret replaced by <see cref="HiddenSecret"/>, to show it.</summary>
    public RuleSpec WithoutSecrets() => this with
    {
        Actions = [.. Actions.Select(a => a.Webhook is { Secret: not null } hook ? a with { Webhook = hook with { Secret = HiddenSecret } } : a)],
    };
}
