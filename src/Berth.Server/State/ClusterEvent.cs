namespace Berth.Server.State;

/// <summary>One immutable entry of the event log at <c>/events/{id}</c>.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Subject">What it happened to: a workload key (<c>ns/name</c>), a replica (<c>ns/name/0</c>) or a node name.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Time">When it happened, from the writer's clock.</param>
/// <param name="Revision">The store revision that committed it. Writers leave it 0 (the revision is known only after the commit); <see cref="EventLog"/> fills it from the key's mod revision when reading.</param>
public sealed record ClusterEvent(ClusterEventType Type, string Subject, string Message, DateTimeOffset Time, long Revision = 0);
