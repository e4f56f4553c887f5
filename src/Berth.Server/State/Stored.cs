namespace Berth.Server.State;

/// <summary>A record read from the store with the mod revision of its key, which a later write compares against.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Value">The record.</param>
/// <param name="ModRevision">The key's mod revision when read.</param>
public readonly record struct Stored<T>(string Key, T Value, long ModRevision);
