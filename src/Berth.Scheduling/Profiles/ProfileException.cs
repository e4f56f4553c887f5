namespace Berth.Scheduling.Profiles;

/// <summary>A profile that cannot be built: an unknown plugin, a plugin at a point it does not implement, or bad arguments.</summary>
public sealed class ProfileException(string message) : Exception(message);
