namespace Berth.Store;

/// <summary>A transaction branch is malformed (a key put twice, or put and deleted in the same branch); nothing was applied.</summary>
public sealed class InvalidTransactionException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTransactionException(string message)
        : base(message)
    {
    }
}
