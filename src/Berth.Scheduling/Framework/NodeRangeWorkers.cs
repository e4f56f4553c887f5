namespace Berth.Scheduling.Framework;

/// <summary>
/// Dedicated worker threads that run one body over numbered node ranges and return when all ranges are done.
/// The calling thread works too.
/// </summary>
/// <remarks>
/// A decision takes tens of microseconds, so the hand-off must cost far less: <c>Parallel.For</c> allocates and
/// queues to the shared pool on every call. Here every participant claims ranges from a shared counter, so a
/// worker that the OS has not scheduled yet simply gets none (the caller runs them) instead of stalling the cycle.
/// Workers spin for about a millisecond (<see cref="SpinIterations"/> reads) before sleeping: long enough to bridge
/// the sequential steps between two parallel passes and between back-to-back decisions (measured: a 200,000-read
/// spin let workers fall asleep and cost a quarter of basic throughput), short enough that an idle scheduler
/// costs no CPU.
/// </remarks>
internal sealed class NodeRangeWorkers : IDisposable
{
    private const int SpinIterations = 4_000_000;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile Run? _current;
    private volatile bool _disposed;

    public NodeRangeWorkers(int workers)
    {
        _threads = new Thread[Math.Max(0, workers - 1)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"berth-scheduler-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="body"/> for ranges 0..<paramref name="ranges"/>-1 and waits for all of them.</summary>
    public void Execute(int ranges, Action<int> body)
    {
        if (ranges <= 1 || _threads.Length == 0)
        {
            for (int r = 0; r < ranges; r++)
            {
                body(r);
            }
            return;
        }
        // One small object per run: a late worker holding an older run finds it fully claimed and does nothing.
        var run = new Run(body, ranges);
        _current = run;
        int sleeping = Math.Min(_threads.Length, ranges - 1) - _wake.CurrentCount;
        if (sleeping > 0)
        {
            _wake.Release(sleeping);
        }
        run.Drain();
        // The other ranges are already running on workers that were awake when they claimed them: wait without yielding.
        while (Volatile.Read(ref run.Done) != ranges)
        {
        }
        if (run.Failure is { } failure)
        {
            throw new AggregateException(failure);
        }
    }

    private void Work()
    {
        Run? last = null;
        while (!_disposed)
        {
            var run = _current;
            int spins = 0;
            // A plain read loop rather than Thread.SpinWait: on virtual machines the PAUSE instruction can make the
            // hypervisor deschedule a spinning vCPU, which then misses the very hand-off it waits for.
            while ((run is null || ReferenceEquals(run, last)) && spins++ < SpinIterations && !_disposed)
            {
                run = _current;
            }
            if (run is null || ReferenceEquals(run, last))
            {
                _wake.Wait();
                continue;
            }
            last = run;
            run.Drain();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _wake.Release(_threads.Length);
    }

    private sealed class Run(Action<int> body, int ranges)
    {
        public int Next;
        public int Done;
        public Exception? Failure;

        public void Drain()
        {
            int range;
            while ((range = Interlocked.Increment(ref Next) - 1) < ranges)
            {
                try
                {
                    body(range);
                }
                catch (Exception ex)
                {
                    Failure = ex;
                }
                Interlocked.Increment(ref Done);
            }
        }
    }
}
