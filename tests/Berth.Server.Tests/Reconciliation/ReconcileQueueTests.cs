using System.Collections.Concurrent;
using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Reconciliation;

public sealed class ReconcileQueueTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private static readonly WorkloadKey A = new("default", "a");
    private static readonly WorkloadKey B = new("default", "b");
    private static readonly WorkloadKey C = new("default", "c");

    [Fact]
    public async Task Enqueue_KeyQueuedTwiceBeforeAWorkerTakesIt_RunsOnce()
    {
        var clock = new ManualTimeProvider(StateFixtures.T0);
        var runs = new ConcurrentDictionary<WorkloadKey, int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var queue = new ReconcileQueue(async (key, ct) =>
        {
            runs.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (key == A)
            {
                started.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }
            return false;
        }, new ReconcilerOptions { Workers = 1 }, clock);
        queue.Start(CancellationToken.None);

        // The only worker is busy with A, so B waits in the queue while it is queued again.
        var a = queue.EnqueueAsync(A);
        await started.Task.WaitAsync(WaitLimit);
        var b1 = queue.EnqueueAsync(B);
        var b2 = queue.EnqueueAsync(B);
        var c = queue.EnqueueAsync(C);
        gate.SetResult();
        await Task.WhenAll(a, b1, b2, c).WaitAsync(WaitLimit);

        Assert.Equal(1, runs[B]);
        Assert.Equal(1, runs[C]);
        Assert.Same(b1, b2);
        Assert.Equal(3, queue.Runs);
    }

    [Fact]
    public async Task Enqueue_KeyQueuedWhileItRuns_RunsOnceMoreAfterAndNeverOnTwoWorkersAtOnce()
    {
        var clock = new ManualTimeProvider(StateFixtures.T0);
        int running = 0;
        int overlaps = 0;
        int runs = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var queue = new ReconcileQueue(async (key, ct) =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }
            if (Interlocked.Increment(ref runs) == 1)
            {
                started.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }
            Interlocked.Decrement(ref running);
            return false;
        }, new ReconcilerOptions { Workers = 4 }, clock);
        queue.Start(CancellationToken.None);

        var first = queue.EnqueueAsync(A);
        await started.Task.WaitAsync(WaitLimit);
        // Three workers are idle, yet A queued during its run waits for it; queued three times, it runs once more.
        var again = new[] { queue.EnqueueAsync(A), queue.EnqueueAsync(A), queue.EnqueueAsync(A) };
        Assert.False(first.IsCompleted);
        gate.SetResult();
        await Task.WhenAll([first, .. again]).WaitAsync(WaitLimit);

        Assert.Equal(2, runs);
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task Enqueue_AfterAFailingRun_IsIgnoredUntilTheDoublingBackoffPasses()
    {
        var clock = new ManualTimeProvider(StateFixtures.T0);
        int runs = 0;
        await using var queue = new ReconcileQueue((key, ct) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult(true);
        }, new ReconcilerOptions { BackoffInitial = TimeSpan.FromSeconds(1), BackoffMax = TimeSpan.FromSeconds(4) }, clock);
        queue.Start(CancellationToken.None);

        // Delays 1 s, 2 s, 4 s, then capped at 4 s.
        var expectedRunsAt = new[] { 0, 1, 3, 7, 11 };
        var ranAt = new List<int>();
        for (int second = 0; second <= 12; second++)
        {
            int before = runs;
            await queue.EnqueueAsync(A).WaitAsync(WaitLimit);
            if (runs > before)
            {
                ranAt.Add(second);
            }
            Assert.True(queue.IsBackingOff(A));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(expectedRunsAt, ranAt);
    }

    [Fact]
    public async Task Enqueue_HandlerThrows_ReportsItAndBacksOff()
    {
        var clock = new ManualTimeProvider(StateFixtures.T0);
        var errors = new ConcurrentQueue<(WorkloadKey, Exception)>();
        await using var queue = new ReconcileQueue((key, ct) => throw new InvalidDataException("unreadable"),
            new ReconcilerOptions(), clock, (key, e) => errors.Enqueue((key, e)));
        queue.Start(CancellationToken.None);

        await queue.EnqueueAsync(A).WaitAsync(WaitLimit);

        var (key, error) = Assert.Single(errors);
        Assert.Equal(A, key);
        Assert.IsType<InvalidDataException>(error);
        Assert.True(queue.IsBackingOff(A));
    }

    [Fact]
    public async Task Enqueue_PermanentlyUnschedulableWorkload_IsReconciledAtABoundedRate()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { RecordsPerWorkload = 1000 });
        await h.RegisterNodesAsync(1);
        var huge = StateFixtures.Workload(replicas: 1, cpu: "64");
        await h.ApplyAsync(huge);
        await using var queue = new ReconcileQueue(
            async (key, ct) => (await h.Reconciler.ReconcileAsync(key, ct)).BackOff, h.Reconciler.Options, h.Clock);
        queue.Start(CancellationToken.None);

        // Ten minutes of a sweep and store events asking for it every 100 ms: 6000 requests.
        for (int tick = 0; tick < 6000; tick++)
        {
            await queue.EnqueueAsync(WorkloadKey.Of(huge)).WaitAsync(WaitLimit);
            h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Backoff 1, 2, 4, 8, 16, 32, then 60 s: attempts at 0, 1, 3, 7, 15, 31, 63 s, then once a minute.
        var records = await h.RecordsAsync(huge);
        Assert.InRange(records.Count, 13, 16);
        Assert.Equal(records.Count, queue.Runs);
        Assert.All(records, r => Assert.Equal((ReconcileAction.Place, ReconcileResult.Unchanged), (r.Action, r.Result)));
        // Only the first attempt reported the unschedulable summary as an event: the rest found it unchanged.
        Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadUnschedulable));
    }

    [Fact]
    public async Task Retain_BackingOffKeyNoLongerSwept_IsForgotten()
    {
        var clock = new ManualTimeProvider(StateFixtures.T0);
        await using var queue = new ReconcileQueue((key, ct) => Task.FromResult(true), new ReconcilerOptions(), clock);
        queue.Start(CancellationToken.None);
        await queue.EnqueueAsync(A).WaitAsync(WaitLimit);
        await queue.EnqueueAsync(B).WaitAsync(WaitLimit);

        queue.Retain([B]);

        Assert.Equal(1, queue.Tracked);
        Assert.False(queue.IsBackingOff(A));
        Assert.True(queue.IsBackingOff(B));
    }
}
