using Berth.Server.Hosting;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>
/// Runs this server's <see cref="LeaderElection"/> and keeps its <see cref="ServerRecord"/> registered, from the moment
/// the host knows its bound addresses (<see cref="Begin"/>) until it stops; stopping resigns (revokes the leader lease)
/// and deregisters. Registered before the <see cref="ControlLoopService"/>, so the host stops the loop first and resigns
/// after it.
/// </summary>
public sealed class LeadershipService(
    IKeyValueStore store,
    LeaderElection election,
    ServerOptions options,
    TimeProvider time,
    ILogger<LeadershipService> logger) : BackgroundService
{
    private readonly TaskCompletionSource<ServerRecord> _record = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The server id this server campaigns and registers under, once <see cref="Begin"/> was called; empty before.</summary>
    public string ServerId => election.ServerId;

    /// <summary>Starts campaigning and registering as the server at <paramref name="address"/> and <paramref name="grpcAddress"/>.</summary>
    /// <returns>The registration.</returns>
    public ServerRecord Begin(Uri address, Uri grpcAddress)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(grpcAddress);
        var id = options.ServerId ?? ServerIds.Default(Environment.MachineName, address.Port);
        var record = new ServerRecord(id, address.ToString(), grpcAddress.ToString(), time.GetUtcNow());
        _record.TrySetResult(record);
        return record;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ServerRecord record;
        try
        {
            record = await _record.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var registration = ServerRegistry.RunAsync(store, record, election.LeaseTtl, time, logger, stoppingToken);
        await election.RunAsync(record.Id, stoppingToken).ConfigureAwait(false);
        await registration.ConfigureAwait(false);
    }
}
