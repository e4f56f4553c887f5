namespace Berth.Scheduling.Framework;

/// <summary>What a plugin says at a pre-point (PreFilter, PreScore, Reserve, Permit, bind points).</summary>
public enum PluginStatusCode
{
    /// <summary>Go on.</summary>
    Success,
    /// <summary>Nothing to do for this replica: the plugin's Filter (or Score) is left out of this cycle.</summary>
    Skip,
    /// <summary>The replica cannot be placed on any node now; <see cref="PluginStatus.ReasonCode"/> says why.</summary>
    Unschedulable,
    /// <summary>Permit only: hold the replica until others arrive (gang scheduling).</summary>
    Wait,
    /// <summary>A plugin failed; the decision is abandoned.</summary>
    Error,
}
