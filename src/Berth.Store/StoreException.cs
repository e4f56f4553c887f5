namespace Berth.Store;

/// <summary>Base of every error a store raises on purpose; the message says what failed and how to fix it.</summary>
public abstract class StoreException : Exception
{
    /// <summary>Creates the exception with its message and optional cause.</summary>
    protected StoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
