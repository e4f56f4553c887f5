using Berth.Server.Hosting;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>
/// Runs this server's <see cref="LeaderElection"/> and keeps its <see cref="ServerRecord"/> registered, from the moment
/// the host knows its bound addresses (<see cref="BeginAsync"/>) until it stops; stopping resigns (revokes the leader lease)
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
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The server id this server campaigns and registers under, once <see cref="BeginAsync"/> was called; empty before.</summary>
    public string ServerId => election.ServerId;

    /// <summary>
    /// Starts campaigning and registering as the server at <paramref name="address"/> and <paramref name="grpcAddress"/>;
    /// completes once the registration is written and the first campaign has an outcome (leading, or following a leader
    /// seen), or after one lease TTL when the store is slow, so a started server's writes of its own are behind it.
    /// </summary>
    /// <returns>The registration.</returns>
    public async Task<ServerRecord> BeginAsync(Uri address, Uri grpcAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(grpcAddress);
        var id = options.ServerId ?? ServerIds.Default(Environment.MachineName, address.Port);
        var record = new ServerRecord(id, address.ToString(), grpcAddress.ToString(), time.GetUtcNow());
        _record.TrySetResult(record);
        try
        {
            await Task.WhenAll(_registered.Task, election.Settled).WaitAsync(election.LeaseTtl, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The election and the registration carry on in the background; readiness reports what is missing.
        }
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
        var registration = ServerRegistry.RunAsync(store, record, election.LeaseTtl, time, logger, () => _registered.TrySetResult(), stoppingToken);
        await election.RunAsync(record.Id, stoppingToken).ConfigureAwait(false);
        await registration.ConfigureAwait(false);
    }
}
