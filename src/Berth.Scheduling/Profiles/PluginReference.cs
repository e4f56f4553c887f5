namespace Berth.Scheduling.Profiles;

/// <summary>A plugin named in a profile, with optional arguments.</summary>
public sealed record PluginReference(string Name, PluginArgs? Args = null);
