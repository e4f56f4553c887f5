namespace Berth.Scheduling.Framework;

/// <summary>A plugin's answer at a pre-point: a code and, for Unschedulable, the plugin's own reason code.</summary>
public readonly record struct PluginStatus(PluginStatusCode Code, int ReasonCode = 0, string? Message = null)
{
    /// <summary>Go on.</summary>
    public static readonly PluginStatus Success = new(PluginStatusCode.Success);

    /// <summary>Nothing to do for this replica.</summary>
    public static readonly PluginStatus Skip = new(PluginStatusCode.Skip);

    /// <summary>No node can take the replica, for the plugin's reason <paramref name="reasonCode"/>.</summary>
    public static PluginStatus Unschedulable(int reasonCode) => new(PluginStatusCode.Unschedulable, reasonCode);

    /// <summary>True for <see cref="PluginStatusCode.Success"/>.</summary>
    public bool IsSuccess => Code == PluginStatusCode.Success;
}
