using Berth.Core.Specs;

namespace Berth.Server.Automation;

/// <summary>A rule with where it stands, as <c>GET /v1/rules</c> lists it (webhook secrets hidden).</summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Revision">The mod revision of its key.</param>
/// <param name="Spec">The spec, inline webhook secrets replaced by <see cref="RuleSpec.HiddenSecret"/>.</param>
/// <param name="Condition">The condition in words.</param>
/// <param name="Firing">True while the condition holds (and has fired) for at least one subject.</param>
/// <param name="Episodes">Episodes fired so far, over every subject.</param>
/// <param name="LastFired">When the rule last fired; null if never.</param>
/// <param name="LastSubject">The subject it last fired for; null if never.</param>
/// <param name="Subjects">Every subject the rule has a record for (pending, firing or cleared), in subject order.</param>
public sealed record RuleView(
    string Name,
    long Revision,
    RuleSpec Spec,
    string Condition,
    bool Firing,
    int Episodes,
    DateTimeOffset? LastFired,
    string? LastSubject,
    IReadOnlyList<RuleEpisode> Subjects);
