namespace Berth.Store;

/// <summary>The backend could not be opened, read or written (file missing or locked, disk full, store closed); nothing was changed and the call may be retried once the cause is fixed.</summary>
public sealed class StoreUnavailableException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
