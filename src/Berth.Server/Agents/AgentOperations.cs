using Berth.Core.Specs;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Agents;

/// <summary>
/// What a node agent (<c>berth agent</c>) asks of the control plane, free of any transport: join, stay alive, read its
/// desired state, report what its replicas do. <see cref="AgentGrpcService"/> serves it over gRPC (proto/agent.proto);
/// a refused call throws <see cref="AgentRequestException"/> and writes nothing.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><see cref="RegisterAsync"/></term><description><see cref="NodeManager.RegisterAsync"/>, then wakes the control loop (a new node may fit pending replicas).</description></item>
/// <item><term><see cref="HeartbeatAsync(string, CancellationToken)"/></term><description><see cref="NodeManager.HeartbeatAsync"/>, batched with other nodes' beats by the <see cref="HeartbeatBatcher"/> when there is one; an unknown node is <see cref="AgentFault.UnknownNode"/>. With an inventory, it is kept in <see cref="NodeInventory"/> for the reconciler's Running/Missing check.</description></item>
/// <item><term><see cref="AssignmentsAsync"/></term><description>The node's assignments with the workload spec and revision each was placed with (<see cref="WorkloadHistory"/>), read in one transaction.</description></item>
/// <item><term><see cref="ReportAsync"/></term><description>Running turns a Pending assignment Running (compared on its mod revision, with a <see cref="ClusterEventType.ReplicaRunning"/> event), batched with other replicas' reports by the <see cref="StatusReportBatcher"/> when there is one; Exited goes to <see cref="RetryEngine.ReportExitAsync"/>. Reports about replicas that are gone, moved to another node or of another workload revision are answered with an outcome saying so and write nothing.</description></item>
/// </list>
/// </remarks>
/// <param name="inventory">Where heartbeats' inventories are kept for the reconciler; null keeps none.</param>
/// <param name="heartbeats">Records heartbeats in batches (group commit); null records each beat alone through <paramref name="nodes"/>.</param>
/// <param name="statusReports">Writes plain Running reports in batches (group commit); null, or a report it leaves alone, takes the single compare-and-retry path.</param>
public sealed class AgentOperations(
    IKeyValueStore store,
    NodeManager nodes,
    EventLog events,
    RetryEngine retries,
    ControlLoopSignal signal,
    WorkloadHistory history,
    NodeInventory? inventory = null,
    HeartbeatBatcher? heartbeats = null,
    StatusReportBatcher? statusReports = null)
{
    /// <summary>How often a Running report re-reads and retries after a concurrent write.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Longest exit reason taken from a log tail, in characters, so an event stays one short line.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Outcome of a report about a replica that is assigned to another node: nothing was written.</summary>
    public const string WrongNodeOutcome = "WrongNode";

    /// <summary>Registers (or re-registers) the node and wakes the control loop.</summary>
    /// <exception cref="AgentRequestException">Invalid node, or concurrent writes kept winning.</exception>
    public async Task<NodeRecord> RegisterAsync(AgentRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        NodeRecord record;
        try
        {
            record = await nodes.RegisterAsync(new NodeSpec(registration.Name, registration.Labels, [], registration.Allocatable), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new AgentRequestException(AgentFault.InvalidArgument, AgentMessages.InvalidNode(e.Message));
        }
        catch (InvalidOperationException e)
        {
            throw new AgentRequestException(AgentFault.Conflict, e.Message);
        }
        // A new node may fit replicas that were unschedulable: place now rather than at the next tick.
        signal.Notify();
        return record;
    }

    /// <summary>Records a heartbeat of <paramref name="node"/>; wakes the control loop when the node became Ready.</summary>
    /// <exception cref="AgentRequestException">Invalid or unknown node, or concurrent writes kept winning.</exception>
    public async Task<HeartbeatOutcome> HeartbeatAsync(string node, CancellationToken cancellationToken = default)
    {
        HeartbeatOutcome outcome;
        try
        {
            outcome = heartbeats is null
                ? await nodes.HeartbeatAsync(node, cancellationToken).ConfigureAwait(false)
                : await heartbeats.HeartbeatAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new AgentRequestException(AgentFault.InvalidArgument, AgentMessages.InvalidNode(e.Message));
        }
        catch (InvalidOperationException e)
        {
            throw new AgentRequestException(AgentFault.Conflict, e.Message);
        }
        if (outcome == HeartbeatOutcome.UnknownNode)
        {
            throw new AgentRequestException(AgentFault.UnknownNode, AgentMessages.RegisterFirst(node));
        }
        if (outcome == HeartbeatOutcome.BecameReady)
        {
            signal.Notify();
        }
        return outcome;
    }

    /// <summary>
    /// Records a heartbeat of <paramref name="node"/> with what its agent runs now (<paramref name="running"/>; null when the
    /// agent sent no inventory), kept in <see cref="NodeInventory"/> once the beat was recorded.
    /// </summary>
    /// <exception cref="AgentRequestException">Invalid or unknown node, or concurrent writes kept winning.</exception>
    public async Task<HeartbeatOutcome> HeartbeatAsync(string node, IReadOnlyCollection<RunningReplica>? running, CancellationToken cancellationToken = default)
    {
        var outcome = await HeartbeatAsync(node, cancellationToken).ConfigureAwait(false);
        if (running is not null && inventory is not null)
        {
            inventory.Record(node, running, events.Time.GetUtcNow());
        }
        return outcome;
    }

    /// <summary>The node's desired state: its assignments whose workload still exists, in key order.</summary>
    /// <exception cref="AgentRequestException">Invalid or unknown node.</exception>
    public async Task<AgentAssignmentsResponse> AssignmentsAsync(string node, CancellationToken cancellationToken = default)
    {
        var nodeKey = NodeKey(node);
        // One read transaction, so each assignment is answered with the workload revision it was read with.
        var read = await store.TxnAsync(
            [],
            [TxnOp.Get(nodeKey), TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix))],
            [],
            cancellationToken).ConfigureAwait(false);
        if (read.Responses[0].Kvs.Count == 0)
        {
            throw new AgentRequestException(AgentFault.UnknownNode, AgentMessages.RegisterFirst(node));
        }
        var workloads = new Dictionary<WorkloadKey, (WorkloadSpec Spec, long Revision)>();
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseWorkload(kv.Key, out var key))
            {
                workloads[key] = (StateSerializer.Deserialize<WorkloadSpec>(kv.Value.Span), kv.ModRevision);
            }
        }
        var mine = new List<AgentAssignment>();
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (!KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                continue;
            }
            var assignment = StateSerializer.Deserialize<Assignment>(kv.Value.Span);
            // An assignment whose workload is gone is about to be removed by the placer: leaving it out lets the agent stop it now.
            if (assignment.Node == node && workloads.TryGetValue(assignment.Workload, out var workload))
            {
                // A replica runs the revision it was placed with until the rolling replacement reaches it (or forever,
                // when only the scale changed): answer that revision's spec while the store still has it.
                if (assignment.WorkloadRevision != workload.Revision
                    && await history.AtAsync(assignment.Workload, assignment.WorkloadRevision, cancellationToken).ConfigureAwait(false) is { } placedWith)
                {
                    workload = (placedWith, assignment.WorkloadRevision);
                }
                mine.Add(new AgentAssignment(kv.Key, kv.ModRevision, assignment, workload.Spec, workload.Revision));
            }
        }
        return new AgentAssignmentsResponse(node, read.Revision, mine);
    }

    /// <summary>Throws unless <paramref name="node"/> is registered.</summary>
    /// <exception cref="AgentRequestException">Invalid or unknown node.</exception>
    public async Task EnsureRegisteredAsync(string node, CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(NodeKey(node), cancellationToken).ConfigureAwait(false) is null)
        {
            throw new AgentRequestException(AgentFault.UnknownNode, AgentMessages.RegisterFirst(node));
        }
    }

    /// <summary>Takes a report of a replica of <paramref name="node"/> starting or ending (see the class remarks).</summary>
    /// <exception cref="AgentRequestException">Malformed report, unknown node, or concurrent writes kept winning.</exception>
    public async Task<AgentStatusResponse> ReportAsync(string node, AgentStatusReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        WorkloadKey workload;
        try
        {
            workload = WorkloadKey.Parse(report.Workload);
            _ = KeyLayout.Node(node);
            _ = KeyLayout.Assignment(workload, report.Replica);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new AgentRequestException(AgentFault.InvalidArgument, e.Message);
        }
        await EnsureRegisteredAsync(node, cancellationToken).ConfigureAwait(false);
        if (report.State == AgentReplicaState.Exited)
        {
            if (report.ExitCode is not { } exitCode)
            {
                throw new AgentRequestException(AgentFault.InvalidArgument, AgentMessages.ExitCodeRequired);
            }
            var current = await store.RangeAsync(KeyRange.Key(KeyLayout.Assignment(workload, report.Replica)), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (current.Kvs.Count > 0 && StateSerializer.Deserialize<Assignment>(current.Kvs[0].Value.Span).Node != node)
            {
                // An exit from a copy on a node the replica has left must not fail the copy on its new node.
                return new AgentStatusResponse(WrongNodeOutcome, current.Revision);
            }
            ExitResult result;
            try
            {
                result = await retries.ReportExitAsync(workload, report.Replica, exitCode, Reason(report.LogTail), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new AgentRequestException(AgentFault.Conflict, e.Message);
            }
            signal.Notify();
            var after = await store.RangeAsync(KeyRange.Key(KeyLayout.Assignment(workload, report.Replica)), cancellationToken: cancellationToken).ConfigureAwait(false);
            return new AgentStatusResponse(result.Outcome.ToString(), after.Revision);
        }
        if (statusReports is not null
            && await statusReports.RunningAsync(node, workload, report.Replica, report.WorkloadRevision, cancellationToken).ConfigureAwait(false) is { } batched)
        {
            return batched;
        }
        return await RunningAsync(node, workload, report, cancellationToken).ConfigureAwait(false);
    }

    // Pending → Running, compared on the assignment's and the workload's mod revisions so a report that raced a
    // re-apply, a removal or a restart is re-read and judged again rather than overwriting what changed.
    private async Task<AgentStatusResponse> RunningAsync(string node, WorkloadKey workload, AgentStatusReport report, CancellationToken ct)
    {
        var workloadKey = KeyLayout.Workload(workload);
        var assignmentKey = KeyLayout.Assignment(workload, report.Replica);
        var subject = AssignmentApplier.ReplicaSubject(workload, report.Replica);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var read = await store.TxnAsync([], [TxnOp.Get(workloadKey), TxnOp.Get(assignmentKey)], [], ct).ConfigureAwait(false);
            if (read.Responses[0].Kvs.Count == 0 || read.Responses[1].Kvs.Count == 0)
            {
                return new AgentStatusResponse("UnknownReplica", read.Revision);
            }
            var workloadKv = read.Responses[0].Kvs[0];
            var assignmentKv = read.Responses[1].Kvs[0];
            var assignment = StateSerializer.Deserialize<Assignment>(assignmentKv.Value.Span);
            if (assignment.Node != node)
            {
                // The replica moved (released from this node and placed elsewhere): this report is stale.
                return new AgentStatusResponse(WrongNodeOutcome, read.Revision);
            }
            if (report.WorkloadRevision is { } revision && revision != assignment.WorkloadRevision)
            {
                return new AgentStatusResponse("Stale", read.Revision);
            }
            if (assignment.State != AssignmentState.Pending)
            {
                // Running: a repeated report. Failed, Stopped or Succeeded: the server already decided; the agent follows the next assignment set.
                return new AgentStatusResponse(assignment.State == AssignmentState.Running ? "AlreadyRunning" : "NotPending", read.Revision);
            }
            var compares = new List<Compare>
            {
                Compare.ModRevision(workloadKey, CompareOp.Equal, workloadKv.ModRevision),
                Compare.ModRevision(assignmentKey, CompareOp.Equal, assignmentKv.ModRevision),
            };
            var operations = new List<TxnOp> { TxnOp.Put(assignmentKey, StateSerializer.Serialize(assignment with { State = AssignmentState.Running })) };
            events.Append(compares, operations, events.Create(ClusterEventType.ReplicaRunning, subject, AgentMessages.Running(subject, node)));
            var commit = await store.TxnAsync(compares, operations, [], ct).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return new AgentStatusResponse("Running", commit.Revision);
            }
        }
        throw new AgentRequestException(AgentFault.Conflict, AgentMessages.TooManyConflicts(subject, MaxAttempts));
    }

    private static string NodeKey(string node)
    {
        try
        {
            return KeyLayout.Node(node);
        }
        catch (ArgumentException e)
        {
            throw new AgentRequestException(AgentFault.InvalidArgument, AgentMessages.InvalidNode(e.Message));
        }
    }

    // The last non-empty line the replica wrote, shortened: the exit's event names it, so "exit code 1: <why>" reads
    // without fetching logs.
    private static string? Reason(string? logTail)
    {
        if (string.IsNullOrWhiteSpace(logTail))
        {
            return null;
        }
        var lines = logTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        var last = lines[^1];
        return last.Length <= MaxReasonLength ? last : last[..MaxReasonLength];
    }
}
