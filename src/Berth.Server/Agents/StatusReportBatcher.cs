using Berth.Server.Api;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Agents;

/// <summary>
/// Group commit for Running reports: reports that arrive within the window of each other (<c>StatusReportBatchWindow</c>
/// of the server options) are read in one store transaction and written in one, so thousands of replicas starting
/// together cost a few dozen transactions instead of one each (at 1,000 hollow nodes they were almost every write).
/// </summary>
/// <remarks>
/// <para>Only the plain case is batched: a replica reported Running on the node it is assigned to, of the workload
/// revision it was placed with, whose assignment is Pending. It is written exactly as
/// <see cref="AgentOperations.ReportAsync"/> writes it alone: a compare on the workload's and the assignment's mod
/// revisions, the assignment put Running and a <see cref="ClusterEventType.ReplicaRunning"/> event (with its own
/// missing-key compare). A repeated report of a Running replica is answered AlreadyRunning from the batch's read, as the
/// single path answers it. Every other report (unknown or moved replica, another revision, an assignment that is no
/// longer Pending, a second report of the same replica in one batch) gets no answer here (null) and its caller takes the
/// single path, once the batch has committed.</para>
/// <para>A batch is one read and one write transaction; it closes when the window ends or when one more report could
/// take the write past <see cref="MaxTransactionSize"/> compares or operations (etcd's default <c>--max-txn-ops</c>):
/// one compare per distinct workload and two per report (assignment and event key), two operations per report. The
/// write commits all or nothing: a store failure fails every caller still waiting on the batch with the store's
/// exception and writes nothing; a compare lost to a concurrent change sends each of the batch's writers back to the
/// single path, which re-reads and judges its report again.</para>
/// </remarks>
public sealed class StatusReportBatcher : IAsyncDisposable
{
    /// <summary>Most compares, and most operations, of one transaction: etcd's default <c>--max-txn-ops</c>.</summary>
    public const int MaxTransactionSize = 128;

    /// <summary>The default window: short against the agents' report latency, long enough to gather a burst of starts.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest window accepted: a report waits at most this long for its batch to close.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(1);

    private const string RunningOutcome = "Running";
    private const string AlreadyRunningOutcome = "AlreadyRunning";

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly BatchWindow<Report> _reports;
    private readonly Task _loop;
    private long _batches;
    private long _batchedReports;

    /// <summary>Starts the batching loop.</summary>
    /// <param name="store">The cluster store.</param>
    /// <param name="events">The event log the ReplicaRunning events are appended to.</param>
    /// <param name="window">How long the first report of a batch waits for others; above zero, at most <see cref="MaxWindow"/>.</param>
    public StatusReportBatcher(IKeyValueStore store, EventLog events, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        if (window <= TimeSpan.Zero || window > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, AgentMessages.StatusReportBatchWindowOutOfRange(window, MaxWindow));
        }
        _store = store;
        _events = events;
        _reports = new BatchWindow<Report>(window);
        _loop = Task.Run(() => RunAsync(CancellationToken.None));
    }

    /// <summary>How many batches were written (each one read and at most one write transaction).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>How many reports were answered by batches (written Running, or AlreadyRunning); those sent to the single path not counted.</summary>
    public long BatchedReports => Interlocked.Read(ref _batchedReports);

    /// <summary>
    /// Takes a Running report of replica <paramref name="replica"/> of <paramref name="workload"/> from
    /// <paramref name="node"/> with the next batch; completes when that batch committed.
    /// </summary>
    /// <param name="workloadRevision">The workload revision the agent runs; null when the agent did not say.</param>
    /// <returns>The answer (Running or AlreadyRunning), or null when the report is not the plain case and must go through the single path.</returns>
    /// <exception cref="StoreException">The store failed the batch; nothing of it was written.</exception>
    public Task<AgentStatusResponse?> RunningAsync(string node, WorkloadKey workload, int replica, long? workloadRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var report = new Report(node, workload, replica, workloadRevision);
        if (!_reports.TryAdd(report))
        {
            // Stopping: no batch will come, so the caller writes alone.
            return Task.FromResult<AgentStatusResponse?>(null);
        }
        return report.Outcome.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the loop once the reports already queued are written.</summary>
    public async ValueTask DisposeAsync()
    {
        _reports.Complete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<Report>();
        var workloads = new HashSet<WorkloadKey>();
        // The write's bound, taking every report as written: a compare per workload, two per report.
        bool Admit(Report next)
        {
            int compares = workloads.Count + (workloads.Contains(next.Workload) ? 0 : 1) + (2 * (batch.Count + 1));
            if (compares > MaxTransactionSize)
            {
                return false;
            }
            workloads.Add(next.Workload);
            return true;
        }
        while (await _reports.NextAsync(batch, Admit, static () => false, ct).ConfigureAwait(false))
        {
            await CommitAsync(batch, ct).ConfigureAwait(false);
            workloads.Clear();
        }
    }

    private async Task CommitAsync(List<Report> batch, CancellationToken ct)
    {
        List<Report> single;
        try
        {
            single = await WriteAsync(batch, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var report in batch)
            {
                report.Outcome.TrySetException(e);
            }
            return;
        }
        Interlocked.Increment(ref _batches);
        // Only now, so a single path starts from what the batch wrote.
        foreach (var report in single)
        {
            report.Outcome.TrySetResult(null);
        }
    }

    // Reads the batch's workloads and assignments, writes the plain reports in one transaction and answers their
    // callers; returns the reports left for the single path (every writer when the write lost a race).
    private async Task<List<Report>> WriteAsync(List<Report> batch, CancellationToken ct)
    {
        var keys = new List<string>(batch.Count * 2);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var report in batch)
        {
            foreach (var key in new[] { report.WorkloadStoreKey, report.AssignmentStoreKey })
            {
                if (index.TryAdd(key, keys.Count))
                {
                    keys.Add(key);
                }
            }
        }
        var read = await _store.TxnAsync([], [.. keys.Select(key => TxnOp.Get(key))], [], ct).ConfigureAwait(false);
        var single = new List<Report>();
        var written = new List<Report>(batch.Count);
        var workloadCompares = new List<Compare>();
        var compared = new HashSet<string>(StringComparer.Ordinal);
        var assignments = new HashSet<string>(StringComparer.Ordinal);
        var compares = new List<Compare>(batch.Count * 2);
        var operations = new List<TxnOp>(batch.Count * 2);
        foreach (var report in batch)
        {
            if (read.Responses[index[report.WorkloadStoreKey]].Single is not { } workloadKv
                || read.Responses[index[report.AssignmentStoreKey]].Single is not { } assignmentKv
                || !assignments.Add(report.AssignmentStoreKey))
            {
                single.Add(report);
                continue;
            }
            var assignment = StateSerializer.Deserialize<Assignment>(assignmentKv.Value.Span);
            if (assignment.Node != report.Node
                || (report.WorkloadRevision is { } revision && revision != assignment.WorkloadRevision))
            {
                single.Add(report);
                continue;
            }
            if (assignment.State == AssignmentState.Running)
            {
                // A repeated report: nothing to write, answered from the read as the single path would.
                report.Outcome.TrySetResult(new AgentStatusResponse(AlreadyRunningOutcome, read.Revision));
                Interlocked.Increment(ref _batchedReports);
                continue;
            }
            if (assignment.State != AssignmentState.Pending)
            {
                single.Add(report);
                continue;
            }
            if (compared.Add(report.WorkloadStoreKey))
            {
                workloadCompares.Add(Compare.ModRevision(report.WorkloadStoreKey, CompareOp.Equal, workloadKv.ModRevision));
            }
            compares.Add(Compare.ModRevision(report.AssignmentStoreKey, CompareOp.Equal, assignmentKv.ModRevision));
            operations.Add(TxnOp.Put(report.AssignmentStoreKey, StateSerializer.Serialize(assignment with { State = AssignmentState.Running })));
            var subject = AssignmentApplier.ReplicaSubject(report.Workload, report.Replica);
            _events.Append(compares, operations, _events.Create(ClusterEventType.ReplicaRunning, subject, AgentMessages.Running(subject, report.Node)));
            written.Add(report);
        }
        if (written.Count == 0)
        {
            return single;
        }
        workloadCompares.AddRange(compares);
        var commit = await _store.TxnAsync(workloadCompares, operations, [], ct).ConfigureAwait(false);
        if (!commit.Succeeded)
        {
            single.AddRange(written);
            return single;
        }
        foreach (var report in written)
        {
            report.Outcome.TrySetResult(new AgentStatusResponse(RunningOutcome, commit.Revision));
        }
        Interlocked.Add(ref _batchedReports, written.Count);
        return single;
    }

    // One caller's report; completed when its batch committed (continuations run on their own, not in the loop).
    private sealed class Report(string node, WorkloadKey workload, int replica, long? workloadRevision)
    {
        public string Node { get; } = node;

        public WorkloadKey Workload { get; } = workload;

        public int Replica { get; } = replica;

        public long? WorkloadRevision { get; } = workloadRevision;

        public string WorkloadStoreKey { get; } = KeyLayout.Workload(workload);

        public string AssignmentStoreKey { get; } = KeyLayout.Assignment(workload, replica);

        public TaskCompletionSource<AgentStatusResponse?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
