namespace Berth.Server.Api;

/// <summary>How one fleet workload's migration ended in a rebalance.</summary>
/// <param name="Workload">The fleet workload (<c>namespace/name</c>).</param>
/// <param name="Completed">True when it reached its target shares.</param>
/// <param name="Shares">Its shares now, as <c>cluster=replicas, …</c>.</param>
/// <param name="Message">What happened.</param>
public sealed record RebalanceMove(string Workload, bool Completed, string Shares, string Message);
