namespace Berth.Scheduling.Profiles;

/// <summary>A score plugin named in a profile, with its weight and optional arguments.</summary>
public sealed record ScorePluginReference(string Name, int Weight, PluginArgs? Args = null);
