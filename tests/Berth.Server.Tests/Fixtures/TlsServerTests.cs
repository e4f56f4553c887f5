namespace Berth.Server.Tests.Fixtures;

/// <summary>A test class whose tests share one real server with <c>--tls-dir</c> (<see cref="TlsServer"/>), started before the first and stopped after the last.</summary>
public abstract class TlsServerTests : IAsyncLifetime
{
    private TlsServer? _server;

    /// <summary>The running server.</summary>
    private protected TlsServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <inheritdoc/>
    public async Task InitializeAsync() => _server = await TlsServer.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
