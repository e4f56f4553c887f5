using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Berth.Store.Etcd;

/// <summary>
/// <see cref="IKeyValueStore"/> on an etcd v3 cluster (3.4 or newer) through the dotnet-etcd client: every call maps onto
/// one etcd request (README: contract ↔ etcd), ranges are read in pages at one revision, and watches re-open themselves
/// after a broken stream from the revision after the last one delivered.
/// </summary>
/// <remarks>
/// <para><b>Revisions.</b> Store revision = etcd revision − 1 (<see cref="EtcdRevisions"/>), so an empty etcd is at store
/// revision 0 as the contract requires; <c>etcdctl</c> shows the same revisions one higher. The contract's "grows by exactly
/// one per changing transaction" holds only while Berth is the only writer of the cluster: etcd has one revision counter
/// for all keys.</para>
/// <para><b>Leases.</b> Expiry runs on etcd's clock in whole seconds (TTLs are rounded up, and etcd may raise them to its
/// minimum); the injected <see cref="TimeProvider"/> only dates <see cref="LeaseGrant.ExpiresAt"/>, measured from when the
/// request was sent, so it is a lower bound. etcd deletes an expired lease's keys asynchronously (its leader checks every
/// 500 ms), so a read just after the deadline may still see them.</para>
/// <para><b>Failures.</b> A request that gets no answer within <see cref="EtcdStoreOptions.RequestTimeout"/> or cannot
/// reach any endpoint throws <see cref="StoreUnavailableException"/>. Unlike the embedded store, a write that timed out
/// may still have been applied (etcd cannot tell); reads are retried on another endpoint, writes never are.</para>
/// <para><b>Watches registered from now.</b> A watch with <c>fromRevision</c> 0 is registered asynchronously; until etcd
/// confirms it, writes made through this store instance wait (at most one request timeout), so that a write issued after
/// the watch's first <c>MoveNextAsync</c> is always delivered to it.</para>
/// </remarks>
public sealed class EtcdStore : IKeyValueStore
{
    // Metadata that makes etcd close a watch stream when its member loses the leader, so the watch re-opens on another
    // member instead of waiting silently on a partitioned one (clientv3.WithRequireLeader).
    private static readonly Metadata RequireLeader = new() { { "hasleader", "true" } };

    private readonly EtcdStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly GrpcChannel _channel;
    private readonly EtcdClient _client;
    private readonly string _endpoints;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _registrationGate = new();
    private readonly List<Task> _pendingRegistrations = [];
    private int _disposed;

    private EtcdStore(EtcdStoreOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _endpoints = options.Describe();
        _channel = new GrpcChannelFactory().CreateChannel(
            string.Join(',', options.Endpoints.Select(e => "http://" + e)),
            EtcdStoreOptions.DefaultPort,
            "berth-etcd",
            ChannelCredentials.Insecure,
            Configure);
        _client = new EtcdClient(_channel.CreateCallInvoker());
    }

    /// <summary>Creates a store for the etcd cluster in <paramref name="options"/> without contacting it (the first call does); time for <see cref="LeaseGrant.ExpiresAt"/> comes from <paramref name="timeProvider"/>.</summary>
    public static EtcdStore Create(EtcdStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new EtcdStore(options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Creates the store and reads etcd's revision once, so a wrong address or a cluster without a leader fails here.</summary>
    /// <exception cref="StoreUnavailableException">No endpoint answered within <see cref="EtcdStoreOptions.RequestTimeout"/>.</exception>
    public static async Task<EtcdStore> ConnectAsync(EtcdStoreOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var store = Create(options, timeProvider);
        try
        {
            await store.CurrentEtcdRevisionAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var range = KeyRange.Key(key);
        var response = await CallAsync("get", (deadline, ct) => _client.GetAsync(RangeRequestFor(range, 1, 0), null, deadline, ct), cancellationToken).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : ToKeyValue(response.Kvs[0]);
    }

    /// <inheritdoc/>
    public async Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        try
        {
            return await ReadPagesAsync(range, limit, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (RevisionCompactedException) when (revision == 0)
        {
            // A current read is pinned to its first page's revision; if a compaction overtook the paging, read again.
            return await ReadPagesAsync(range, limit, revision, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        TxnBranchRules.Validate(compares, success, failure);
        var request = new TxnRequest();
        foreach (var compare in compares)
        {
            request.Compare.Add(ToEtcd(compare));
        }

        foreach (var op in success)
        {
            request.Success.Add(ToRequestOp(op));
        }

        foreach (var op in failure)
        {
            request.Failure.Add(ToRequestOp(op));
        }

        await WaitForWatchRegistrationsAsync(cancellationToken).ConfigureAwait(false);
        TxnResponse response;
        try
        {
            response = await CallAsync("transaction", (deadline, ct) => _client.TransactionAsync(request, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsLeaseNotFound(ex))
        {
            throw new LeaseNotFoundException(await MissingLeaseAsync(success.Concat(failure), cancellationToken).ConfigureAwait(false));
        }
        catch (StoreUnavailableException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.InvalidArgument } rpc && rpc.Status.Detail.Contains("too many operations", StringComparison.Ordinal))
        {
            throw new InvalidTransactionException(StoreMessages.EtcdTooManyOperations(_endpoints, Math.Max(success.Count, failure.Count), rpc.Status.Detail));
        }

        var branch = response.Succeeded ? success : failure;
        var revision = EtcdRevisions.ToStore(response.Header.Revision);
        var results = new List<TxnOpResult>(branch.Count);
        for (var i = 0; i < branch.Count; i++)
        {
            var answer = response.Responses[i];
            results.Add(branch[i] switch
            {
                PutOp put => new TxnOpResult([Written(put, answer.ResponsePut.PrevKv, revision)], 0),
                DeleteOp => new TxnOpResult([], answer.ResponseDeleteRange.Deleted),
                GetOp => new TxnOpResult(answer.ResponseRange.Kvs.Select(ToKeyValue).ToList(), 0),
                _ => throw new ArgumentException($"Unknown operation {branch[i].GetType().Name}.", nameof(success)),
            });
        }

        return new TxnResult(response.Succeeded, revision, results);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();

        // Everything up to the first await runs inside the first MoveNextAsync: a "from now" watch registers its barrier
        // there, so writes issued after that call wait until etcd has created the watch (see remarks).
        var registered = fromRevision == 0 ? AddRegistration() : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        var pump = PumpWatchAsync(range, fromRevision, events.Writer, registered, stop.Token);
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, StoreMessages.TtlNotPositive(ttl));
        }

        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        var sentAt = _time.GetUtcNow();
        var response = await CallAsync("lease grant", (deadline, ct) => _client.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(response.Error))
        {
            throw new StoreUnavailableException(StoreMessages.EtcdRefused(_endpoints, "lease grant", "error", response.Error));
        }

        return new LeaseGrant(response.ID, TimeSpan.FromSeconds(response.TTL), sentAt.AddSeconds(response.TTL));
    }

    /// <inheritdoc/>
    public async Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        var sentAt = _time.GetUtcNow();
        var ttl = await CallAsync("lease keep-alive", async (deadline, ct) =>
        {
            using var call = _client.GetConnection().LeaseClient.LeaseKeepAlive(null, deadline, ct);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, ct).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) ? call.ResponseStream.Current.TTL : 0;
        }, cancellationToken).ConfigureAwait(false);

        // etcd answers a keep-alive of an unknown or expired lease with TTL 0 (or -1), not with an error.
        return ttl > 0 ? new LeaseGrant(leaseId, TimeSpan.FromSeconds(ttl), sentAt.AddSeconds(ttl)) : throw new LeaseNotFoundException(leaseId);
    }

    /// <inheritdoc/>
    public async Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        await WaitForWatchRegistrationsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CallAsync("lease revoke", (deadline, ct) => _client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsLeaseNotFound(ex))
        {
            throw new LeaseNotFoundException(leaseId);
        }
    }

    /// <inheritdoc/>
    public async Task CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        if (revision <= 0)
        {
            throw new RevisionCompactedException(revision, await CompactRevisionAsync(cancellationToken).ConfigureAwait(false));
        }

        await WaitForWatchRegistrationsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CallAsync("compaction", (deadline, ct) => _client.CompactAsync(new CompactionRequest { Revision = EtcdRevisions.ToEtcd(revision) }, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsCompacted(ex))
        {
            throw new RevisionCompactedException(revision, await CompactRevisionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (RpcException ex) when (IsFutureRevision(ex))
        {
            throw new FutureRevisionException(revision, EtcdRevisions.ToStore(await CurrentEtcdRevisionAsync(cancellationToken).ConfigureAwait(false)));
        }
    }

    /// <summary>Ends every open watch with <see cref="StoreUnavailableException"/> and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        _client.Dispose();
        _channel.Dispose();
    }

    private async Task<RangeResult> ReadPagesAsync(KeyRange range, long limit, long revision, CancellationToken cancellationToken)
    {
        var pageSize = (long)_options.RangePageSize;
        var request = RangeRequestFor(range, limit == 0 ? pageSize : Math.Min(limit, pageSize), EtcdRevisions.ToEtcd(revision));
        var first = await ReadPageAsync(request, revision, cancellationToken).ConfigureAwait(false);
        var kvs = first.Kvs.Select(ToKeyValue).ToList();
        var more = first.More;

        // Later pages start just after the last key read and are pinned to the first page's revision, so the whole answer
        // is one consistent snapshot however many pages it takes (as Kubernetes' pager does).
        var pinned = revision == 0 ? first.Header.Revision : request.Revision;
        var last = first.Kvs.Count > 0 ? first.Kvs[^1].Key : null;
        while (more && last is not null && (limit == 0 || kvs.Count < limit))
        {
            var wanted = limit == 0 ? pageSize : Math.Min(limit - kvs.Count, pageSize);
            var next = new RangeRequest { Key = ByteString.CopyFrom([.. last.Span, 0]), RangeEnd = request.RangeEnd, Limit = wanted, Revision = pinned };
            var page = await ReadPageAsync(next, revision, cancellationToken).ConfigureAwait(false);
            kvs.AddRange(page.Kvs.Select(ToKeyValue));
            more = page.More;
            last = page.Kvs.Count > 0 ? page.Kvs[^1].Key : null;
        }

        return new RangeResult(kvs, EtcdRevisions.ToStore(first.Header.Revision), first.Count > kvs.Count, first.Count);
    }

    private async Task<RangeResponse> ReadPageAsync(RangeRequest request, long revision, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync("range", (deadline, ct) => _client.GetAsync(request, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsCompacted(ex))
        {
            throw new RevisionCompactedException(revision, await CompactRevisionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (RpcException ex) when (IsFutureRevision(ex))
        {
            throw new FutureRevisionException(revision, EtcdRevisions.ToStore(await CurrentEtcdRevisionAsync(cancellationToken).ConfigureAwait(false)));
        }
    }

    // One watch stream at a time; when it breaks, a new one starts at the revision after the last event written (or after the
    // last progress notification), so the reader sees no gap and no duplicate across reconnects and etcd restarts.
    private async Task PumpWatchAsync(KeyRange range, long fromRevision, ChannelWriter<WatchEvent> writer, TaskCompletionSource? registered, CancellationToken stop)
    {
        await Task.Yield();
        var next = fromRevision;
        var delay = _options.ReconnectDelay;
        Exception? end = null;
        try
        {
            while (true)
            {
                try
                {
                    using var call = _client.GetConnection().WatchClient.Watch(RequireLeader, null, stop);
                    var create = new WatchCreateRequest { Key = StartKey(range), RangeEnd = RangeEnd(range), StartRevision = EtcdRevisions.ToEtcd(next), ProgressNotify = true };
                    await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, stop).ConfigureAwait(false);
                    while (await call.ResponseStream.MoveNext(stop).ConfigureAwait(false))
                    {
                        var response = call.ResponseStream.Current;
                        if (response.Canceled)
                        {
                            throw response.CompactRevision != 0
                                ? new RevisionCompactedException(next, EtcdRevisions.ToStore(response.CompactRevision))
                                : new StoreUnavailableException(StoreMessages.EtcdWatchCancelled(_endpoints, range, response.CancelReason));
                        }

                        if (response.Created)
                        {
                            // From now: everything after the revision etcd registered the watch at.
                            next = next == 0 ? EtcdRevisions.ToStore(response.Header.Revision) + 1 : next;
                            registered?.TrySetResult();
                            delay = _options.ReconnectDelay;
                            continue;
                        }

                        foreach (var e in response.Events)
                        {
                            await writer.WriteAsync(ToWatchEvent(e), stop).ConfigureAwait(false);
                        }

                        // etcd sends all events of one revision in one response, and a progress notification (no events)
                        // only once every event up to its header revision has been sent.
                        next = response.Events.Count > 0
                            ? EtcdRevisions.ToStore(response.Events[^1].Kv.ModRevision) + 1
                            : Math.Max(next, EtcdRevisions.ToStore(response.Header.Revision) + 1);
                    }
                }
                catch (RpcException ex) when (!stop.IsCancellationRequested && !IsTransient(ex.StatusCode))
                {
                    throw new StoreUnavailableException(StoreMessages.EtcdRefused(_endpoints, $"a watch on {range}", ex.StatusCode.ToString(), ex.Status.Detail), ex);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested && ex is not StoreException)
                {
                    // The stream broke (etcd restarted, connection cut, member lost its leader); depending on when, the
                    // transport reports that as an RpcException, an I/O error or a cancelled HTTP request. Open a new one below.
                }

                await Task.Delay(delay, stop).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopped by the reader or by disposal (then the channel may already be gone: any exception means "stopped").
            end = _closing.IsCancellationRequested ? new StoreUnavailableException(StoreMessages.StoreClosed(_endpoints)) : null;
        }
        catch (Exception ex)
        {
            end = ex;
        }
        finally
        {
            registered?.TrySetResult();

            writer.TryComplete(end);
        }
    }

    private TaskCompletionSource AddRegistration()
    {
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_registrationGate)
        {
            _pendingRegistrations.Add(registered.Task);
        }

        registered.Task.ContinueWith(static (task, state) => ((EtcdStore)state!).RemoveRegistration(task), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return registered;
    }

    private void RemoveRegistration(Task registration)
    {
        lock (_registrationGate)
        {
            _pendingRegistrations.Remove(registration);
        }
    }

    private async Task WaitForWatchRegistrationsAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_registrationGate)
        {
            if (_pendingRegistrations.Count == 0)
            {
                return;
            }

            pending = [.. _pendingRegistrations];
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(_options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A watch that cannot register (etcd unreachable for it) must not block writes beyond one request timeout.
        }
    }

    // Every unary call: a deadline of RequestTimeout, cancellation by the caller or by disposal, and transport failures
    // turned into StoreUnavailableException. Errors with a meaning in the contract (compacted, lease not found) are left as
    // RpcException for the caller, which knows the revision or lease to report.
    private async Task<T> CallAsync<T>(string operation, Func<DateTime, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            return await call(DateTime.UtcNow + _options.RequestTimeout, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && !cancellationToken.IsCancellationRequested && _closing.IsCancellationRequested)
        {
            throw new StoreUnavailableException(StoreMessages.StoreClosed(_endpoints), ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        catch (RpcException ex) when (!IsCompacted(ex) && !IsFutureRevision(ex) && !IsLeaseNotFound(ex))
        {
            throw Translate(operation, ex);
        }
    }

    private StoreException Translate(string operation, RpcException ex)
    {
        var detail = ex.Status.Detail;
        if (_closing.IsCancellationRequested)
        {
            return new StoreUnavailableException(StoreMessages.StoreClosed(_endpoints), ex);
        }

        if (detail.Contains("database space exceeded", StringComparison.Ordinal))
        {
            return new StoreUnavailableException(StoreMessages.EtcdNoSpace(_endpoints, detail), ex);
        }

        if (detail.Contains("request is too large", StringComparison.Ordinal))
        {
            return new InvalidTransactionException(StoreMessages.EtcdRequestTooLarge(_endpoints, detail));
        }

        if (detail.Contains("duplicate key", StringComparison.Ordinal))
        {
            return new InvalidTransactionException(StoreMessages.EtcdRefused(_endpoints, operation, ex.StatusCode.ToString(), detail));
        }

        return new StoreUnavailableException(
            IsTransient(ex.StatusCode)
                ? StoreMessages.EtcdUnavailable(_endpoints, operation, ex.StatusCode.ToString(), detail)
                : StoreMessages.EtcdRefused(_endpoints, operation, ex.StatusCode.ToString(), detail),
            ex);
    }

    private static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.ResourceExhausted or StatusCode.Aborted;

    private static bool IsCompacted(RpcException ex) => ex.StatusCode == StatusCode.OutOfRange && ex.Status.Detail.Contains("compacted", StringComparison.Ordinal);

    private static bool IsFutureRevision(RpcException ex) => ex.StatusCode == StatusCode.OutOfRange && ex.Status.Detail.Contains("future revision", StringComparison.Ordinal);

    private static bool IsLeaseNotFound(RpcException ex) => ex.StatusCode == StatusCode.NotFound && ex.Status.Detail.Contains("lease not found", StringComparison.Ordinal);

    private async Task<long> CurrentEtcdRevisionAsync(CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = ByteString.CopyFrom(0), CountOnly = true, Limit = 1 };
        var response = await CallAsync("revision read", (deadline, ct) => _client.GetAsync(request, null, deadline, ct), cancellationToken).ConfigureAwait(false);
        return response.Header.Revision;
    }

    // etcd 3.4 reports "compacted" on a range without saying up to where; the oldest readable revision is the smallest one
    // a range at that revision accepts, found by bisection (only on this error path).
    private async Task<long> CompactRevisionAsync(CancellationToken cancellationToken)
    {
        long low = 1, high = await CurrentEtcdRevisionAsync(cancellationToken).ConfigureAwait(false);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            var request = new RangeRequest { Key = ByteString.CopyFrom(0), CountOnly = true, Limit = 1, Revision = middle };
            try
            {
                await CallAsync("compaction probe", (deadline, ct) => _client.GetAsync(request, null, deadline, ct), cancellationToken).ConfigureAwait(false);
                high = middle;
            }
            catch (RpcException ex) when (IsCompacted(ex))
            {
                low = middle + 1;
            }
        }

        return EtcdRevisions.ToStore(low);
    }

    private async Task<long> MissingLeaseAsync(IEnumerable<TxnOp> ops, CancellationToken cancellationToken)
    {
        var leases = ops.OfType<PutOp>().Select(p => p.LeaseId).Where(id => id != 0).Distinct().ToList();
        foreach (var lease in leases.Count > 1 ? leases : [])
        {
            var response = await CallAsync("lease lookup", (deadline, ct) => _client.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = lease }, null, deadline, ct), cancellationToken).ConfigureAwait(false);
            if (response.TTL < 0)
            {
                return lease;
            }
        }

        return leases.Count > 0 ? leases[0] : 0;
    }

    private void Configure(GrpcChannelOptions channel)
    {
        channel.HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            KeepAlivePingDelay = _options.KeepAliveInterval,
            KeepAlivePingTimeout = _options.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
        };
        channel.DisposeHttpClient = true;
        channel.ThrowOperationCanceledOnCancellation = true;
        channel.MaxReceiveMessageSize = null;
        channel.InitialReconnectBackoff = _options.ReconnectDelay;
        channel.MaxReconnectBackoff = _options.ReconnectMaxDelay;

        // Only reads are retried on another endpoint; a write that failed with Unavailable may have been applied, and a
        // blind retry could apply it twice (etcd's own client retries mutations only when no connection existed).
        var reads = new MethodConfig
        {
            Names = { new MethodName { Service = "etcdserverpb.KV", Method = "Range" }, new MethodName { Service = "etcdserverpb.Lease", Method = "LeaseTimeToLive" } },
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 3,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() }, MethodConfigs = { reads } };
    }

    private static RangeRequest RangeRequestFor(KeyRange range, long limit, long etcdRevision) =>
        new() { Key = StartKey(range), RangeEnd = RangeEnd(range), Limit = limit, Revision = etcdRevision };

    // etcd has no empty key: a range from the empty key starts at "\0", the smallest key there is (clientv3.WithPrefix("")).
    private static ByteString StartKey(KeyRange range) => range.Start.Length == 0 ? ByteString.CopyFrom(0) : ByteString.CopyFrom(range.Start);

    // Single key: no range end. No upper bound: etcd's "\0".
    private static ByteString RangeEnd(KeyRange range) =>
        range.End is null ? ByteString.Empty : range.End.Length == 0 ? ByteString.CopyFrom(0) : ByteString.CopyFrom(range.End);

    private static RequestOp ToRequestOp(TxnOp op) => op switch
    {
        PutOp put => new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(put.Key), Value = ByteString.CopyFrom(put.Value.Span), Lease = put.LeaseId, PrevKv = true } },
        DeleteOp delete => new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = StartKey(delete.Range), RangeEnd = RangeEnd(delete.Range) } },
        GetOp get => new RequestOp { RequestRange = new RangeRequest { Key = StartKey(get.Range), RangeEnd = RangeEnd(get.Range), Limit = get.Limit } },
        _ => throw new ArgumentException($"Unknown operation {op.GetType().Name}.", nameof(op)),
    };

    private static Etcdserverpb.Compare ToEtcd(Compare compare)
    {
        var result = new Etcdserverpb.Compare
        {
            Key = ByteString.CopyFromUtf8(compare.Key),
            Result = compare.Op switch
            {
                CompareOp.Equal => Etcdserverpb.Compare.Types.CompareResult.Equal,
                CompareOp.NotEqual => Etcdserverpb.Compare.Types.CompareResult.NotEqual,
                CompareOp.Greater => Etcdserverpb.Compare.Types.CompareResult.Greater,
                CompareOp.Less => Etcdserverpb.Compare.Types.CompareResult.Less,
                _ => throw new ArgumentOutOfRangeException(nameof(compare), compare.Op, "Unknown compare operator."),
            },
        };
        switch (compare.Target)
        {
            case CompareTarget.Version:
                result.Target = Etcdserverpb.Compare.Types.CompareTarget.Version;
                result.Version = compare.Number;
                break;
            case CompareTarget.CreateRevision:
                result.Target = Etcdserverpb.Compare.Types.CompareTarget.Create;
                result.CreateRevision = EtcdRevisions.ToEtcd(compare.Number);
                break;
            case CompareTarget.ModRevision:
                result.Target = Etcdserverpb.Compare.Types.CompareTarget.Mod;
                result.ModRevision = EtcdRevisions.ToEtcd(compare.Number);
                break;
            case CompareTarget.Value:
                result.Target = Etcdserverpb.Compare.Types.CompareTarget.Value;
                result.Value = ByteString.CopyFrom(compare.Value.Span);
                break;
            case CompareTarget.Lease:
                result.Target = Etcdserverpb.Compare.Types.CompareTarget.Lease;
                result.Lease = compare.Number;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compare), compare.Target, "Unknown compare target.");
        }

        return result;
    }

    // etcd's put response carries only the previous entry; the entry written follows from it and the new revision.
    private static KeyValue Written(PutOp put, Mvccpb.KeyValue? previous, long revision) =>
        previous is null || previous.CreateRevision == 0
            ? new KeyValue(put.Key, put.Value.ToArray(), revision, revision, 1, put.LeaseId)
            : new KeyValue(put.Key, put.Value.ToArray(), EtcdRevisions.ToStore(previous.CreateRevision), revision, previous.Version + 1, put.LeaseId);

    private static KeyValue ToKeyValue(Mvccpb.KeyValue kv) =>
        new(Encoding.UTF8.GetString(kv.Key.Span), kv.Value.ToByteArray(), EtcdRevisions.ToStore(kv.CreateRevision), EtcdRevisions.ToStore(kv.ModRevision), kv.Version, kv.Lease);

    private static WatchEvent ToWatchEvent(Mvccpb.Event e) =>
        e.Type == Mvccpb.Event.Types.EventType.Delete
            ? new WatchEvent(WatchEventType.Delete, new KeyValue(Encoding.UTF8.GetString(e.Kv.Key.Span), ReadOnlyMemory<byte>.Empty, 0, EtcdRevisions.ToStore(e.Kv.ModRevision), 0, 0))
            : new WatchEvent(WatchEventType.Put, ToKeyValue(e.Kv));

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            throw new StoreUnavailableException(StoreMessages.StoreClosed(_endpoints));
        }
    }
}
