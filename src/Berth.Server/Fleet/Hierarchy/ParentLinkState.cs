namespace Berth.Server.Fleet.Hierarchy;

/// <summary>Where a region control plane stands with its parent.</summary>
public enum ParentLinkState
{
    /// <summary>No parent (<c>--parent</c> not given): a root, or a stand-alone control plane.</summary>
    None,

    /// <summary>A parent is configured but no report has succeeded yet.</summary>
    Connecting,

    /// <summary>The last report succeeded within <see cref="RegionLinkOptions.DisconnectedAfter"/>.</summary>
    Connected,

    /// <summary>No report succeeded for longer than <see cref="RegionLinkOptions.DisconnectedAfter"/>: placing within its own pools only.</summary>
    CutOff,
}
