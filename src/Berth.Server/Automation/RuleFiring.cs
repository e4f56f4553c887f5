namespace Berth.Server.Automation;

/// <summary>One episode fired by a <see cref="RuleEngine"/> pass.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Subject">The subject it fired for.</param>
/// <param name="Episode">The episode number for this rule and subject (1 for the first).</param>
/// <param name="Seen">What the condition saw.</param>
public sealed record RuleFiring(string Rule, string Subject, int Episode, string Seen);
