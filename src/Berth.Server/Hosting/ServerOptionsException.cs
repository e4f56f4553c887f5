namespace Berth.Server.Hosting;

/// <summary>A <see cref="ServerOptions"/> value that cannot be used; the message names the option and how to fix it.</summary>
public sealed class ServerOptionsException(string message) : Exception(message);
