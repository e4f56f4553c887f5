namespace Berth.Scheduling.Profiles;

/// <summary>Base of every plugin's typed arguments (e.g. <c>NodeResourcesFitArgs</c>).</summary>
public abstract record PluginArgs;
