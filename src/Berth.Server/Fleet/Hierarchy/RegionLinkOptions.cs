namespace Berth.Server.Fleet.Hierarchy;

/// <summary>
/// Timing of the link between a region control plane (<c>berth server --region R --parent URL</c>) and its parent.
/// </summary>
public sealed record RegionLinkOptions
{
    /// <summary>
    /// How often a child reports its pools and node classes to its parent; also how often a parent checks whether its
    /// children still report. Default 2 s: a pool applied in a region is known to the root within about that long.
    /// </summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Silence after which a parent counts a child as disconnected, and a child whose reports fail counts itself cut off
    /// from its parent. Default 10 s: five missed reports, so one slow request or a parent's restart does not flip it.
    /// </summary>
    public TimeSpan DisconnectedAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when a setting is out of range; the message names it.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (ReportInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException(RegionMessages.NotPositive(nameof(ReportInterval), ReportInterval));
        }
        if (DisconnectedAfter <= ReportInterval)
        {
            throw new ArgumentException(RegionMessages.DisconnectedNotAfterInterval(DisconnectedAfter, ReportInterval));
        }
    }
}
