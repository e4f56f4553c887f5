using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests.Fixtures;

/// <summary>
/// Tests of CLI commands against a server host started for each test on a free loopback port, in a temporary directory
/// removed afterwards; <see cref="Cli"/> runs a command pointed at it.
/// </summary>
public abstract class RunningServerCliTests : IAsyncLifetime
{
    private ServerHost? _host;

    /// <summary>The test's own directory: the server's data lives under it, and manifests may be written into it.</summary>
    protected string Dir { get; } = Directory.CreateTempSubdirectory("berth-cli-").FullName;

    /// <summary>The running server.</summary>
    protected ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    /// <summary>The options the server starts with; a test class adds what it needs to <paramref name="defaults"/>.</summary>
    protected virtual ServerOptions Options(ServerOptions defaults) => defaults;

    /// <summary>Starts the server.</summary>
    public virtual async Task InitializeAsync() =>
        _host = await ServerHost.StartAsync(
            Options(new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(Dir, "data") }),
            logging => logging.ClearProviders());

    /// <summary>Stops the server and removes the directory.</summary>
    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>Runs <c>berth ARGS --server ADDRESS</c>, returning its exit code and what it wrote.</summary>
    protected (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run([.. args, "--server", Host.Address.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
