using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Leadership;

/// <summary>
/// The servers sharing one store: each keeps <c>/servers/{id}</c> (<see cref="ServerRecord"/>) under a lease of its own,
/// so a server that stops deregisters and one that dies drops out after the lease TTL; <see cref="ListAsync"/> reads them
/// with the leader key in one transaction.
/// </summary>
public static class ServerRegistry
{
    private static JsonTypeInfo<ServerRecord> Info => (JsonTypeInfo<ServerRecord>)StateSerializer.Options.GetTypeInfo(typeof(ServerRecord));

    /// <summary>
    /// Keeps <paramref name="record"/> registered until cancelled, renewing the lease every third of
    /// <paramref name="ttl"/> and registering anew when the lease was lost (a store outage longer than the TTL); then
    /// revokes the lease, which removes the record.
    /// </summary>
    /// <param name="store">The shared store.</param>
    /// <param name="record">What to register.</param>
    /// <param name="ttl">Time to live of the registration's lease.</param>
    /// <param name="time">Clock of the renewals.</param>
    /// <param name="logger">Where failed renewals are logged.</param>
    /// <param name="registered">Called after each successful registration write.</param>
    /// <param name="cancellationToken">Deregisters and ends.</param>
    public static async Task RunAsync(IKeyValueStore store, ServerRecord record, TimeSpan ttl, TimeProvider? time = null, ILogger? logger = null, Action? registered = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        time ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var key = KeyLayout.Server(record.Id);
        var value = JsonSerializer.SerializeToUtf8Bytes(record, Info);
        long leaseId = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (leaseId == 0)
                    {
                        var lease = await store.GrantLeaseAsync(ttl, cancellationToken).ConfigureAwait(false);
                        leaseId = lease.Id;
                        await store.PutAsync(key, value, leaseId, cancellationToken).ConfigureAwait(false);
                        registered?.Invoke();
                    }
                    else
                    {
                        await store.KeepAliveAsync(leaseId, cancellationToken).ConfigureAwait(false);
                    }
                    await Task.Delay(ttl / 3, time, cancellationToken).ConfigureAwait(false);
                }
                catch (LeaseNotFoundException)
                {
                    leaseId = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Whatever the client throws while the store is away (not only StoreException: a broken stream can
                    // surface as another type), the registration must outlive it.
                    LeadershipLog.RegistrationFailed(logger, record.Id, $"{e.GetType().Name}: {e.Message}");
                    await Task.Delay(ttl / 10, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: deregister below.
        }
        finally
        {
            if (leaseId != 0)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await store.RevokeLeaseAsync(leaseId, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is StoreException or OperationCanceledException or ObjectDisposedException)
                {
                    // The lease runs out on its own.
                }
            }
        }
    }

    /// <summary>Every registered server with its role, and the leader and its term, read at one revision.</summary>
    public static async Task<ServersResponse> ListAsync(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var read = await store.TxnAsync(
            [],
            [TxnOp.Get(KeyRange.Prefix(KeyLayout.ServersPrefix)), TxnOp.Get(KeyLayout.Leader)],
            [],
            cancellationToken).ConfigureAwait(false);
        var leaderKv = read.Responses[1].Single;
        string? leader = leaderKv is null ? null : Encoding.UTF8.GetString(leaderKv.Value.Span);
        var servers = new List<ServerView>(read.Responses[0].Kvs.Count);
        foreach (var kv in read.Responses[0].Kvs)
        {
            ServerRecord record;
            try
            {
                record = JsonSerializer.Deserialize(kv.Value.Span, Info) ?? throw new JsonException("null server record");
            }
            catch (JsonException)
            {
                // A record another version wrote and this one cannot read is left out rather than failing the list.
                continue;
            }
            servers.Add(new ServerView(
                record.Id,
                record.ApiAddress,
                record.GrpcAddress,
                record.Id == leader ? LeadershipMessages.LeaderRole : LeadershipMessages.FollowerRole,
                record.StartedAt));
        }
        return new ServersResponse([.. servers], leader, leaderKv?.CreateRevision ?? 0);
    }
}
