namespace Berth.Server.Api;

/// <summary>
/// The answer to <c>GET /v1/nodes</c> with <c>offset</c>, <c>limit</c> or <c>filter</c>: one page of the nodes matching
/// the filter, in name order, with counts over all of them (so a client shows "1–50 of 5,000" without reading the rest).
/// </summary>
/// <param name="Total">Nodes matching the filter.</param>
/// <param name="Ready">Of those, how many are Ready.</param>
/// <param name="Cordoned">Of those, how many are cordoned.</param>
/// <param name="Offset">The first node of the page, from 0.</param>
/// <param name="Limit">The page size asked for.</param>
/// <param name="Nodes">The page.</param>
public sealed record NodePage(int Total, int Ready, int Cordoned, int Offset, int Limit, IReadOnlyList<NodeSummary> Nodes);
