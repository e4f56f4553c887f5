using System.Threading.Channels;
using Berth.Server.State;

namespace Berth.Server.Reconciliation;

/// <summary>
/// The reconciler's bounded worker pool: workload keys go in, <see cref="ReconcilerOptions.Workers"/> workers take them out
/// and run the handler, as Kubernetes' controller work queue does.
/// </summary>
/// <remarks>
/// <para><b>One key, one worker.</b> A key is never handled by two workers at once. A key queued several times before a
/// worker takes it runs once; a key queued while it runs is run once more afterwards (the change that queued it may
/// have come after the running pass read the state), by whichever worker is free.</para>
/// <para><b>Backoff.</b> When the handler asks for it (an action failed or changed nothing) or throws, the key is held back:
/// queueing it is ignored until <see cref="ReconcilerOptions.BackoffInitial"/> doubled per consecutive such run, capped at
/// <see cref="ReconcilerOptions.BackoffMax"/>, has passed; the periodic sweep queues it again after that. A run that asks
/// for no backoff clears it. The clock is the injected <see cref="TimeProvider"/>; nothing here waits on it, so tests
/// move the clock and queue again.</para>
/// <para>The channel holds each key at most once, so its length is bounded by the number of workloads.</para>
/// </remarks>
public sealed class ReconcileQueue : IAsyncDisposable
{
    private readonly Func<WorkloadKey, CancellationToken, Task<bool>> _handler;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<WorkloadKey, Exception>? _onError;
    private readonly Channel<WorkloadKey> _channel = Channel.CreateUnbounded<WorkloadKey>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Dictionary<WorkloadKey, Entry> _entries = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];
    private long _runs;

    /// <summary>Creates the queue; nothing runs until <see cref="Start"/>.</summary>
    /// <param name="handler">Handles one key; returns true when the key should back off.</param>
    /// <param name="options">Workers and backoff.</param>
    /// <param name="time">The clock backoffs are measured with.</param>
    /// <param name="onError">Told about a handler that threw (the key backs off); null to ignore.</param>
    public ReconcileQueue(Func<WorkloadKey, CancellationToken, Task<bool>> handler, ReconcilerOptions options, TimeProvider time, Action<WorkloadKey, Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _handler = handler;
        _options = options;
        _time = time;
        _onError = onError;
    }

    /// <summary>How many handler runs have completed.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Starts the workers; they stop when <paramref name="cancellationToken"/> is cancelled or the queue is disposed.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start(CancellationToken cancellationToken)
    {
        if (_workers.Length > 0)
        {
            throw new InvalidOperationException(ReconcilerMessages.QueueStarted);
        }
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        var workers = new Task[_options.Workers];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(token), CancellationToken.None);
        }
        _workers = workers;
    }

    /// <summary>
    /// Queues <paramref name="workload"/>. The task completes when a run that started after this call has finished, or at
    /// once when the key is backing off (the call is then ignored).
    /// </summary>
    public Task EnqueueAsync(WorkloadKey workload)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(workload, out var entry))
            {
                _entries[workload] = entry = new Entry();
            }
            if (entry.NotBefore > _time.GetUtcNow())
            {
                return Task.CompletedTask;
            }
            if (entry.Next is { } next)
            {
                // Already waiting for a run (queued, or due again after the running one): coalesce.
                return next.Task;
            }
            entry.Next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!entry.Running)
            {
                _channel.Writer.TryWrite(workload);
            }
            return entry.Next.Task;
        }
    }

    /// <summary>
    /// Forgets the backoff of every idle key not in <paramref name="workloads"/> (the last sweep's list): a workload that
    /// is gone for good is never queued again, and its backoff would otherwise stay in the table.
    /// </summary>
    public void Retain(IReadOnlyCollection<WorkloadKey> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var keep = workloads as ISet<WorkloadKey> ?? new HashSet<WorkloadKey>(workloads);
        lock (_gate)
        {
            foreach (var (key, entry) in _entries)
            {
                if (!entry.Running && entry.Next is null && !keep.Contains(key))
                {
                    _entries.Remove(key);
                }
            }
        }
    }

    /// <summary>How many keys the queue holds state for (queued, running or backing off).</summary>
    public int Tracked
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True when <paramref name="workload"/> is backing off now.</summary>
    public bool IsBackingOff(WorkloadKey workload)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(workload, out var entry) && entry.NotBefore > _time.GetUtcNow();
        }
    }

    /// <summary>Stops the workers and waits for the running handlers to finish; waiting callers are released.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _channel.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                entry.Next?.TrySetCanceled();
            }
        }
        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_channel.Reader.TryRead(out var workload))
                {
                    continue;
                }
                TaskCompletionSource run;
                lock (_gate)
                {
                    var entry = _entries[workload];
                    run = entry.Next!;
                    entry.Next = null;
                    entry.Running = true;
                }
                bool backOff;
                try
                {
                    backOff = await _handler(workload, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    run.TrySetCanceled(cancellationToken);
                    return;
                }
                catch (Exception e)
                {
                    _onError?.Invoke(workload, e);
                    backOff = true;
                }
                Interlocked.Increment(ref _runs);
                lock (_gate)
                {
                    var entry = _entries[workload];
                    entry.Running = false;
                    if (backOff)
                    {
                        entry.Failures++;
                        entry.NotBefore = _time.GetUtcNow() + Delay(entry.Failures);
                        // What was queued during this run waits for the backoff too; the sweep queues it again after.
                        entry.Next?.TrySetResult();
                        entry.Next = null;
                    }
                    else
                    {
                        entry.Failures = 0;
                        entry.NotBefore = DateTimeOffset.MinValue;
                    }
                    if (entry.Next is not null)
                    {
                        _channel.Writer.TryWrite(workload);
                    }
                    else if (entry.Failures == 0)
                    {
                        // Nothing queued and nothing to remember: keep the table as small as the work.
                        _entries.Remove(workload);
                    }
                }
                run.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private TimeSpan Delay(int failures)
    {
        // Doubling from the initial delay; the shift is capped so it cannot overflow before the cap applies.
        var delay = _options.BackoffInitial * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay > _options.BackoffMax ? _options.BackoffMax : delay;
    }

    private sealed class Entry
    {
        public TaskCompletionSource? Next { get; set; }

        public bool Running { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.MinValue;
    }
}
