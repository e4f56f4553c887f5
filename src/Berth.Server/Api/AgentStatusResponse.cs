namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/agents/{node}/status</c> and <c>/heartbeat</c>.</summary>
/// <param name="Outcome">What the server did, e.g. <c>Running</c>, <c>AlreadyRunning</c>, <c>Stale</c>, <c>UnknownReplica</c> or an exit outcome (<c>RetryScheduled</c>, <c>Failed</c> ...); for a heartbeat <c>Recorded</c> or <c>BecameReady</c>.</param>
/// <param name="Revision">The store revision after the report: the commit's when something was written, else the revision read.</param>
public sealed record AgentStatusResponse(string Outcome, long Revision);
