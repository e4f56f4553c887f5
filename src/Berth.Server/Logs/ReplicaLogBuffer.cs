namespace Berth.Server.Logs;

/// <summary>
/// The last lines one replica wrote, as a ring of fixed capacity. Every line has a sequence number (0, 1, 2 ... in
/// the order appended), so a follower reads "from N on" and notices when lines it had not read yet fell off the ring.
/// Thread-safe: agents append while clients read and follow.
/// </summary>
public sealed class ReplicaLogBuffer
{
    private readonly string[] _ring;
    private readonly Lock _gate = new();
    private long _next;
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Creates an empty buffer keeping at most <paramref name="capacity"/> lines.</summary>
    public ReplicaLogBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new string[capacity];
    }

    /// <summary>The sequence number the next appended line gets (how many lines were ever appended).</summary>
    public long Next
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <summary>Appends <paramref name="lines"/>, oldest first; the oldest kept lines fall off when the ring is full.</summary>
    public void Append(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        TaskCompletionSource appended;
        lock (_gate)
        {
            foreach (var line in lines)
            {
                _ring[_next % _ring.Length] = line;
                _next++;
            }
            appended = _appended;
            _appended = NewSignal();
        }
        // Outside the lock: continuations of waiting followers must not run while it is held.
        appended.TrySetResult();
    }

    /// <summary>The kept lines numbered <paramref name="from"/> and later (from the oldest kept when those fell off), and the number to read from next.</summary>
    public (IReadOnlyList<string> Lines, long Next) Read(long from)
    {
        lock (_gate)
        {
            long start = Math.Max(from, Math.Max(0, _next - _ring.Length));
            var lines = new string[Math.Max(0, _next - start)];
            for (long i = start; i < _next; i++)
            {
                lines[i - start] = _ring[i % _ring.Length];
            }
            return (lines, _next);
        }
    }

    /// <summary>The last <paramref name="count"/> kept lines (fewer when fewer are kept), and the number to read from next.</summary>
    public (IReadOnlyList<string> Lines, long Next) Tail(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            return Read(Math.Max(0, _next - count));
        }
    }

    /// <summary>Completes once a line numbered <paramref name="next"/> or later has been appended.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task WaitAsync(long next, CancellationToken cancellationToken)
    {
        Task appended;
        lock (_gate)
        {
            if (_next > next)
            {
                return Task.CompletedTask;
            }
            appended = _appended.Task;
        }
        return appended.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
