namespace Berth.Server.Hosting;

/// <summary>The server host's user-visible messages, in one place so tests can assert on them.</summary>
public static class ServerMessages
{
    /// <summary>A <c>--listen</c> value that is not <c>host:port</c>.</summary>
    public static string BadListen(string value) =>
        $"--listen '{value}' is not host:port with a port from 0 to 65535; e.g. --listen 127.0.0.1:7070";

    /// <summary>A <c>--listen</c> host that is not an IP address or localhost.</summary>
    public static string ListenNotAnAddress(string value) =>
        $"--listen '{value}': the host must be an IP address or localhost; e.g. --listen 127.0.0.1:7070";

    /// <summary>A non-loopback <c>--listen</c> address without TLS.</summary>
    public static string NonLoopbackWithoutTls(string value) =>
        $"--listen '{value}' is not a loopback address; the API has no TLS or authentication yet, so it only listens on 127.0.0.1, [::1] or localhost. Put a TLS-terminating proxy in front to serve other machines";

    /// <summary>An empty <c>--data</c>.</summary>
    public const string EmptyDataDirectory = "--data must name a directory, e.g. --data ./berth-data";

    /// <summary>A setting that must be positive.</summary>
    public static string NotPositive(string option, string value) => $"{option} must be positive, not {value}";

    /// <summary>The data directory cannot be created.</summary>
    public static string DataDirectoryFailed(string path, string problem) => $"--data '{path}' cannot be used: {problem}";
}
