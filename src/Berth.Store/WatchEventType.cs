namespace Berth.Store;

/// <summary>Kind of change reported by a watch.</summary>
public enum WatchEventType
{
    /// <summary>The key was created or overwritten.</summary>
    Put,

    /// <summary>The key was deleted (explicitly, by a prefix delete, or by its lease ending).</summary>
    Delete,
}
