namespace Berth.Server.Api;

/// <summary>The answer to a status report (<see cref="Agents.AgentOperations.ReportAsync"/>).</summary>
/// <param name="Outcome">What the server did, e.g. <c>Running</c>, <c>AlreadyRunning</c>, <c>Stale</c>, <c>UnknownReplica</c> or an exit outcome (<c>RetryScheduled</c>, <c>Failed</c> ...).</param>
/// <param name="Revision">The store revision after the report: the commit's when something was written, else the revision read.</param>
public sealed record AgentStatusResponse(string Outcome, long Revision);
