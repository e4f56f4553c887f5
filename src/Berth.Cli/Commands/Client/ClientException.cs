namespace Berth.Cli.Commands.Client;

/// <summary>A client command failed; the message is printed as <c>error: ...</c> and the command exits with <see cref="ExitCode"/>.</summary>
public sealed class ClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClientException(string message, int exitCode, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    /// <summary>Creates an exception with exit code 1.</summary>
    public ClientException()
        : this("client error", ClientMessages.ServerFailure)
    {
    }

    /// <summary>Creates an exception with exit code 1.</summary>
    public ClientException(string message)
        : this(message, ClientMessages.ServerFailure)
    {
    }

    /// <summary>Creates an exception with exit code 1.</summary>
    public ClientException(string message, Exception innerException)
        : this(message, ClientMessages.ServerFailure, innerException)
    {
    }

    /// <summary>1 when the server cannot be reached or failed; 2 (<see cref="Program.UsageError"/>) when the input was refused.</summary>
    public int ExitCode { get; }
}
