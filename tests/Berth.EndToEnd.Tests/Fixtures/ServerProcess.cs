using System.Globalization;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// A real <c>berth server</c> on 127.0.0.1. The only place the tests start a server, so a new listener or option
/// (e.g. a gRPC port) is added here once.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    /// <summary>What <c>berth server</c> prints once it listens, followed by its address.</summary>
    private const string ListeningPrefix = "berth server listening on ";

    private ServerProcess(BerthProcess process, Uri address)
    {
        Process = process;
        Address = address;
    }

    /// <summary>The process.</summary>
    public BerthProcess Process { get; }

    /// <summary>The REST API's base address, ending with '/'.</summary>
    public Uri Address { get; }

    /// <summary>The API port.</summary>
    public int Port => Address.Port;

    /// <summary>
    /// Starts <c>berth server</c> over <paramref name="dataDirectory"/> on <paramref name="port"/> (0: a free one,
    /// read back from its output) with extra <paramref name="options"/>, and waits until it listens.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, int port = 0, IEnumerable<string>? options = null)
    {
        string[] arguments =
        [
            "server",
            "--listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            "--data", dataDirectory,
            // A free gRPC port every start: the default (the API port + 1) may be taken when a restart reuses the API
            // port, and agents ask /v1/info for the gRPC address again when they reconnect.
            "--grpc-listen", "127.0.0.1:0",
            .. options ?? [],
        ];
        var process = BerthProcess.Start("server", arguments);
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith(ListeningPrefix, StringComparison.Ordinal), "that it listens");
            var address = line[ListeningPrefix.Length..].Split(';', 2)[0].Trim();
            return new ServerProcess(process, new Uri(address.EndsWith('/') ? address : address + "/"));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the server at once (no graceful stop), as a crash would.</summary>
    public void Kill() => Process.Kill();

    /// <summary>Kills and releases the process.</summary>
    public void Dispose() => Process.Dispose();
}
