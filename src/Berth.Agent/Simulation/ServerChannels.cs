using Berth.Protocol.Agent.V1;
using Grpc.Net.Client;

namespace Berth.Agent.Simulation;

/// <summary>
/// The hollow nodes' gRPC channels, one per server: the first node that needs a server asks its <c>/v1/info</c> and
/// opens the channel, the others share it, so thousands of nodes make one connection per server, not one each.
/// </summary>
/// <remarks>
/// A server that failed is forgotten (<see cref="Forget"/>) so the next node asks its <c>/v1/info</c> again (it may
/// come back on another gRPC port); a failed ask is forgotten at once. Channels are closed only on
/// <see cref="Dispose"/>, as streams of other nodes may still run on a forgotten one.
/// </remarks>
internal sealed class ServerChannels(HttpClient http) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Uri, Task<Connection>> _current = [];
    private readonly List<GrpcChannel> _opened = [];

    /// <summary>One server's channel and client.</summary>
    public sealed record Connection(Uri GrpcAddress, AgentService.AgentServiceClient Client);

    /// <summary>The connection to <paramref name="server"/>, opened once and shared.</summary>
    public async Task<Connection> GetAsync(Uri server, CancellationToken ct)
    {
        Task<Connection>? task;
        lock (_lock)
        {
            if (!_current.TryGetValue(server, out task))
            {
                task = ConnectAsync(server, ct);
                _current[server] = task;
            }
        }
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                if (_current.TryGetValue(server, out var now) && now == task)
                {
                    _current.Remove(server);
                }
            }
            throw;
        }
    }

    /// <summary>Forgets <paramref name="connection"/> to <paramref name="server"/> unless another node replaced it already.</summary>
    public void Forget(Uri server, Connection connection)
    {
        lock (_lock)
        {
            if (_current.TryGetValue(server, out var now) && now.IsCompletedSuccessfully && ReferenceEquals(now.Result, connection))
            {
                _current.Remove(server);
            }
        }
    }

    /// <summary>Closes every channel opened.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var channel in _opened)
            {
                channel.Dispose();
            }
            _opened.Clear();
            _current.Clear();
        }
    }

    private async Task<Connection> ConnectAsync(Uri server, CancellationToken ct)
    {
        var address = await AgentLoop.ResolveGrpcAddressAsync(http, server, ct).ConfigureAwait(false);
        var channel = AgentLoop.OpenChannel(address);
        lock (_lock)
        {
            _opened.Add(channel);
        }
        return new Connection(address, new AgentService.AgentServiceClient(channel));
    }
}
