using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>The answer to <c>GET /v1/events</c>.</summary>
/// <param name="Events">Events in revision order.</param>
/// <param name="Next">The <c>after</c> to pass to read the events that follow.</param>
public sealed record EventsResponse(IReadOnlyList<ClusterEvent> Events, long Next);
