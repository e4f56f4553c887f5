namespace Berth.Server.Security;

/// <summary>A bootstrap token was refused: unknown, expired or already used; the message says which and what to do.</summary>
public sealed class BootstrapTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BootstrapTokenException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public BootstrapTokenException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public BootstrapTokenException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
