using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Supervision;

/// <summary>
/// Runs this node's replicas as processes and keeps them as the server wants (<see cref="ReconcileAsync"/>), idempotently
/// by (workload, replica, workload revision), as DESIGN.md's failure model asks.
/// </summary>
/// <remarks>
/// <para><b>Processes.</b> Each container's <c>command</c> + <c>args</c> runs directly through
/// <see cref="Process"/> (no shell), with the agent's environment plus the container's <c>env</c> plus
/// <c>BERTH_WORKLOAD</c>, <c>BERTH_REPLICA</c> and <c>BERTH_NODE</c> (set last, so a spec cannot hide them), in its
/// <c>workingDir</c>. Stdout and stderr lines go to one bounded buffer per replica: the agent pushes what is new in it to
/// the server (<see cref="TakeOutput"/>) for <c>berth logs</c>, and its last lines go with an exit report. A replica ends when its first
/// container exits: the others are stopped and that container's exit code is the replica's. Stopping kills the whole
/// process tree, so children a replica spawned do not outlive it; on Linux it is graceful: SIGTERM to the whole tree first,
/// SIGKILL to what is left after the stop grace.</para>
/// <para><b>Reconciling</b> one desired replica: Pending or Running with no copy here, or with a copy of another
/// workload revision (a re-apply), starts it (stopping the old copy first). A copy of the same revision is never
/// started twice while it runs, and after it ended only when the server has re-armed it: the assignment is Pending
/// again and either was seen Failed/Stopped/Succeeded since, or its revision moved past the one the exit report was
/// acknowledged at (<see cref="AcknowledgeExit"/>). Failed, Stopped and Succeeded stop a running copy. A replica
/// missing from the desired list (removed, moved, its workload deleted) is stopped and forgotten.</para>
/// <para>Starts and ends queue <see cref="ReplicaStatusChange"/>s for the agent loop to report (<see cref="TakeChanges"/>);
/// a copy the supervisor stopped on purpose reports nothing.</para>
/// </remarks>
public sealed class ReplicaSupervisor : IAsyncDisposable
{
    /// <summary>Environment variable naming the replica's workload (<c>namespace/name</c>).</summary>
    public const string WorkloadVariable = "BERTH_WORKLOAD";

    /// <summary>Environment variable with the replica's index.</summary>
    public const string ReplicaVariable = "BERTH_REPLICA";

    /// <summary>Environment variable with the node's name.</summary>
    public const string NodeVariable = "BERTH_NODE";

    /// <summary>Longest output line kept, in characters; longer lines are cut there (the server keeps no more either).</summary>
    public const int MaxLineLength = 8192;

    /// <summary>How long a stop waits after SIGTERM before it kills what is left, unless told otherwise (Kubernetes' default terminationGracePeriodSeconds is 30).</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long a stop waits for the killed processes to be reaped before giving up on them.</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly string _nodeName;
    private readonly int _logTailLines;
    private readonly int _outputLines;
    private readonly ILogger _logger;
    private readonly TimeSpan _stopGrace;
    private readonly Lock _gate = new();
    // One reconcile at a time: the agent reconciles from its assignment stream and from its tick, and two overlapping
    // passes would both see a replica without a copy and start it twice (the second copy replacing the first untracked).
    private readonly SemaphoreSlim _reconciling = new(1, 1);
    private readonly Dictionary<(string Workload, int Replica), Copy> _copies = [];
    private readonly List<ReplicaStatusChange> _changes = [];
    private int _starts;

    /// <summary>Creates a supervisor for node <paramref name="nodeName"/>.</summary>
    /// <param name="logTailLines">Output lines sent with an exit report.</param>
    /// <param name="outputLines">Output lines kept per replica until pushed (at least <paramref name="logTailLines"/>); a replica that writes more between two pushes loses the oldest.</param>
    /// <param name="stopGrace">How long a stop waits after SIGTERM before killing (<see cref="DefaultStopGrace"/> when null; zero kills at once).</param>
    public ReplicaSupervisor(string nodeName, int logTailLines = 50, ILogger? logger = null, int outputLines = 1000, TimeSpan? stopGrace = null)
    {
        _stopGrace = stopGrace ?? DefaultStopGrace;
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentOutOfRangeException.ThrowIfLessThan(logTailLines, 1);
        _nodeName = nodeName;
        _logTailLines = logTailLines;
        _outputLines = Math.Max(outputLines, logTailLines);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many replica copies were started since creation (each start of a replica counts once, whatever its containers).</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>Brings the running copies in line with <paramref name="desired"/> (see the class remarks); overlapping calls run one after the other.</summary>
    public async Task ReconcileAsync(IReadOnlyList<DesiredReplica> desired, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(desired);
        await _reconciling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReconcileOnceAsync(desired, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reconciling.Release();
        }
    }

    private async Task ReconcileOnceAsync(IReadOnlyList<DesiredReplica> desired, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<(string, int)>();
        var toStop = new List<Copy>();
        var toStart = new List<DesiredReplica>();
        lock (_gate)
        {
            foreach (var replica in desired)
            {
                var key = (replica.Workload, replica.Replica);
                wanted.Add(key);
                _copies.TryGetValue(key, out var copy);
                switch (replica.State)
                {
                    case DesiredReplicaState.Failed or DesiredReplicaState.Stopped or DesiredReplicaState.Succeeded:
                        if (copy is not null)
                        {
                            copy.SawEnded = true;
                            if (copy.Running)
                            {
                                toStop.Add(copy);
                            }
                        }
                        break;
                    default:
                        if (copy is null)
                        {
                            toStart.Add(replica);
                        }
                        else if (copy.WorkloadRevision != replica.WorkloadRevision)
                        {
                            // A re-apply: the old copy runs the old spec.
                            toStop.Add(copy);
                            toStart.Add(replica);
                        }
                        else if (!copy.Running && replica.State == DesiredReplicaState.Pending
                            && (copy.SawEnded || (copy.ExitAcknowledgedAt is { } ack && replica.AssignmentRevision > ack)))
                        {
                            // Ended, reported, and re-armed by the server's retry: start again.
                            toStart.Add(replica);
                        }
                        break;
                }
            }
            foreach (var (key, copy) in _copies)
            {
                if (!wanted.Contains(key))
                {
                    toStop.Add(copy);
                }
            }
            foreach (var copy in toStop)
            {
                copy.Stopping = true;
            }
        }

        if (toStop.Count > 0)
        {
            await Task.WhenAll(toStop.Select(StopAsync)).ConfigureAwait(false);
        }
        lock (_gate)
        {
            foreach (var copy in toStop)
            {
                if (_copies.TryGetValue((copy.Workload, copy.Replica), out var current) && ReferenceEquals(current, copy)
                    && !wanted.Contains((copy.Workload, copy.Replica)))
                {
                    _copies.Remove((copy.Workload, copy.Replica));
                }
            }
        }
        foreach (var replica in toStart)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Start(replica);
        }
    }

    /// <summary>Takes the queued status changes, oldest first.</summary>
    public IReadOnlyList<ReplicaStatusChange> TakeChanges()
    {
        lock (_gate)
        {
            var taken = _changes.ToArray();
            _changes.Clear();
            return taken;
        }
    }

    /// <summary>
    /// Queues a Running report again for each copy that runs while <paramref name="desired"/> still calls it Pending at
    /// the same workload revision, unless one is queued already; returns how many. After the agent moved to another
    /// server, that server may not have seen the first report (it went to the old server, or was lost with it); a
    /// repeated Running report is harmless (the server answers AlreadyRunning).
    /// </summary>
    public int ReannounceRunning(IReadOnlyList<DesiredReplica> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        int queued = 0;
        lock (_gate)
        {
            foreach (var replica in desired)
            {
                if (replica.State == DesiredReplicaState.Pending
                    && _copies.TryGetValue((replica.Workload, replica.Replica), out var copy)
                    && copy.Running
                    && copy.WorkloadRevision == replica.WorkloadRevision
                    && !_changes.Exists(c => c.Workload == copy.Workload && c.Replica == copy.Replica && c.WorkloadRevision == copy.WorkloadRevision))
                {
                    _changes.Add(new ReplicaStatusChange(copy.Workload, copy.Replica, copy.WorkloadRevision, false, null, null));
                    queued++;
                }
            }
        }
        return queued;
    }

    /// <summary>Puts changes that could not be reported back at the front of the queue.</summary>
    public void Requeue(IReadOnlyList<ReplicaStatusChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            _changes.InsertRange(0, changes);
        }
    }

    /// <summary>Records that the server took the exit of (workload, replica, revision) when the store was at <paramref name="revision"/>.</summary>
    public void AcknowledgeExit(string workload, int replica, long workloadRevision, long revision)
    {
        lock (_gate)
        {
            if (_copies.TryGetValue((workload, replica), out var copy) && copy.WorkloadRevision == workloadRevision && !copy.Running)
            {
                copy.ExitAcknowledgedAt = revision;
            }
        }
    }

    /// <summary>The output each replica copy wrote since it was last acknowledged (<see cref="AcknowledgeOutput"/>); copies with nothing new are left out.</summary>
    public IReadOnlyList<ReplicaOutput> TakeOutput()
    {
        lock (_gate)
        {
            var output = new List<ReplicaOutput>();
            foreach (var copy in _copies.Values)
            {
                var (lines, next) = copy.Log.Since(copy.PushedThrough);
                if (lines.Count > 0)
                {
                    output.Add(new ReplicaOutput(copy.Workload, copy.Replica, copy.Serial, lines, next));
                }
            }
            return output;
        }
    }

    /// <summary>Records that the server took <paramref name="output"/>: those lines are not taken again.</summary>
    public void AcknowledgeOutput(IReadOnlyList<ReplicaOutput> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            foreach (var item in output)
            {
                if (_copies.TryGetValue((item.Workload, item.Replica), out var copy) && copy.Serial == item.Copy)
                {
                    copy.PushedThrough = Math.Max(copy.PushedThrough, item.Next);
                }
            }
        }
    }

    /// <summary>What the supervisor holds now, by workload then replica.</summary>
    public IReadOnlyList<ReplicaSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return _copies.Values
                .OrderBy(c => c.Workload, StringComparer.Ordinal).ThenBy(c => c.Replica)
                .Select(c => new ReplicaSnapshot(c.Workload, c.Replica, c.WorkloadRevision, c.Running, c.ExitCode, c.ProcessIds, c.Log.Last(_logTailLines)))
                .ToArray();
        }
    }

    /// <summary>
    /// The copies this node holds, for the heartbeat's inventory: those running or starting, and those that ended while
    /// their exit is not yet acknowledged (the server hears of them through the report, so they must not look missing).
    /// Copies being stopped and ended copies whose exit the server took are left out.
    /// </summary>
    public IReadOnlyList<ReplicaSnapshot> Inventory()
    {
        lock (_gate)
        {
            var held = new List<ReplicaSnapshot>(_copies.Count);
            foreach (var copy in _copies.Values)
            {
                if (copy.Stopping || (!copy.Running && copy.ExitAcknowledgedAt is not null))
                {
                    continue;
                }
                held.Add(new ReplicaSnapshot(copy.Workload, copy.Replica, copy.WorkloadRevision, copy.Running, copy.ExitCode, copy.ProcessIds, ""));
            }
            return held;
        }
    }

    /// <summary>Stops every replica (killing their process trees) and forgets them.</summary>
    public async Task StopAllAsync()
    {
        List<Copy> all;
        lock (_gate)
        {
            all = [.. _copies.Values];
            foreach (var copy in all)
            {
                copy.Stopping = true;
            }
            _copies.Clear();
        }
        await Task.WhenAll(all.Select(StopAsync)).ConfigureAwait(false);
    }

    /// <summary>Stops every replica: an agent that goes away leaves no processes behind.</summary>
    public async ValueTask DisposeAsync() => await StopAllAsync().ConfigureAwait(false);

    private void Start(DesiredReplica replica)
    {
        var copy = new Copy(replica.Workload, replica.Replica, replica.WorkloadRevision, new BoundedLines(_outputLines))
        {
            Serial = Interlocked.Increment(ref _starts),
        };
        lock (_gate)
        {
            _copies[(replica.Workload, replica.Replica)] = copy;
        }
        string? failure = replica.Containers.Count == 0 ? AgentMessages.NoContainers : null;
        foreach (var container in replica.Containers)
        {
            if (failure is not null)
            {
                break;
            }
            if (container.Command.Count == 0)
            {
                failure = AgentMessages.NoCommand(container.Name);
                break;
            }
            var process = new Process { StartInfo = StartInfo(replica, container), EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => copy.Log.Add(Cut(e.Data));
            process.ErrorDataReceived += (_, e) => copy.Log.Add(Cut(e.Data));
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
            {
                process.Dispose();
                failure = AgentMessages.StartFailed(container.Name, container.Command[0], e.Message);
                break;
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            copy.Processes.Add(process);
        }

        if (failure is not null)
        {
            copy.Log.Add(failure);
            AgentLog.StartFailed(_logger, replica.Workload, replica.Replica, failure);
            foreach (var process in copy.Processes)
            {
                Kill(process);
            }
            copy.Completion = FinishAsync(copy, AgentMessages.StartFailedExitCode);
            return;
        }
        lock (_gate)
        {
            copy.Running = true;
            _changes.Add(new ReplicaStatusChange(copy.Workload, copy.Replica, copy.WorkloadRevision, false, null, null));
        }
        // After Running is set: that is when the process ids are captured.
        AgentLog.Started(_logger, replica.Workload, replica.Replica, replica.WorkloadRevision, string.Join(',', copy.ProcessIds));
        copy.Completion = WatchAsync(copy);
    }

    private ProcessStartInfo StartInfo(DesiredReplica replica, ReplicaContainer container)
    {
        var info = new ProcessStartInfo(container.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = string.IsNullOrEmpty(container.WorkingDir) ? "" : container.WorkingDir,
        };
        for (int i = 1; i < container.Command.Count; i++)
        {
            info.ArgumentList.Add(container.Command[i]);
        }
        foreach (var arg in container.Args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in container.Env)
        {
            info.Environment[name] = value;
        }
        info.Environment[WorkloadVariable] = replica.Workload;
        info.Environment[ReplicaVariable] = replica.Replica.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment[NodeVariable] = _nodeName;
        return info;
    }

    // Waits for the first container to exit, stops the others, and reports the exit unless the stop was ours.
    private async Task WatchAsync(Copy copy)
    {
        var exits = copy.Processes.Select(p => p.WaitForExitAsync()).ToArray();
        var first = await Task.WhenAny(exits).ConfigureAwait(false);
        int exitCode = copy.Processes[Array.IndexOf(exits, first)].ExitCode;
        foreach (var process in copy.Processes)
        {
            Kill(process);
        }
        // WaitForExitAsync also waits for the output to be read to its end, so the tail is complete afterwards.
        await WaitBoundedAsync(Task.WhenAll(exits)).ConfigureAwait(false);
        await FinishAsync(copy, exitCode).ConfigureAwait(false);
    }

    private Task FinishAsync(Copy copy, int exitCode)
    {
        lock (_gate)
        {
            copy.Running = false;
            if (!copy.Stopping)
            {
                copy.ExitCode = exitCode;
                _changes.Add(new ReplicaStatusChange(copy.Workload, copy.Replica, copy.WorkloadRevision, true, exitCode, copy.Log.Last(_logTailLines)));
            }
        }
        if (!copy.Stopping)
        {
            AgentLog.Exited(_logger, copy.Workload, copy.Replica, exitCode);
        }
        foreach (var process in copy.Processes)
        {
            process.Dispose();
        }
        return Task.CompletedTask;
    }

    private async Task StopAsync(Copy copy)
    {
        // Graceful, as Kubernetes stops a pod: SIGTERM to every process of the replica (children a shell started
        // included, found before their parent can exit and orphan them), then SIGKILL to what is left once the replica
        // has ended or the grace has passed.
        IReadOnlyList<int> tree = [];
        if (_stopGrace > TimeSpan.Zero && ProcessTree.IsSupported && copy.ProcessIds.Count > 0)
        {
            tree = ProcessTree.WithDescendants(copy.ProcessIds);
            ProcessTree.Terminate(tree);
            if (copy.Completion is { } ending)
            {
                await Task.WhenAny(ending, Task.Delay(_stopGrace)).ConfigureAwait(false);
            }
        }
        foreach (var process in copy.Processes)
        {
            Kill(process);
        }
        ProcessTree.Kill(tree);
        if (copy.Completion is { } completion)
        {
            await WaitBoundedAsync(completion).ConfigureAwait(false);
        }
        AgentLog.Stopped(_logger, copy.Workload, copy.Replica);
    }

    private static string? Cut(string? line) => line is { Length: > MaxLineLength } ? line[..MaxLineLength] : line;

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited (or disposed by the watcher): nothing to kill.
        }
    }

    private static async Task WaitBoundedAsync(Task task)
    {
        try
        {
            await task.WaitAsync(StopWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild holding the output pipe open: the tree was killed; do not block the agent on it.
        }
    }

    private sealed class Copy(string workload, int replica, long workloadRevision, BoundedLines log)
    {
        public string Workload { get; } = workload;

        public int Replica { get; } = replica;

        public long WorkloadRevision { get; } = workloadRevision;

        public BoundedLines Log { get; } = log;

        // Which start of the supervisor this copy is (1, 2 ...): output acknowledgements name it, so a late one does not
        // skip lines of a newer copy of the same replica.
        public int Serial { get; init; }

        public long PushedThrough { get; set; }

        public List<Process> Processes { get; } = [];

        public IReadOnlyList<int> ProcessIds { get; private set; } = [];

        public Task? Completion { get; set; }

        public bool Running
        {
            get;
            set
            {
                field = value;
                if (value)
                {
                    ProcessIds = Processes.Select(p => p.Id).ToArray();
                }
            }
        }

        public bool Stopping { get; set; }

        public bool SawEnded { get; set; }

        public int? ExitCode { get; set; }

        public long? ExitAcknowledgedAt { get; set; }
    }
}
