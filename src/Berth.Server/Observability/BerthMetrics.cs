using Berth.Core.Specs;
using Berth.Server.Placement;
using Berth.Server.Reconciliation;
using Berth.Server.Retries;
using Berth.Server.State;
using Prometheus;

namespace Berth.Server.Observability;

/// <summary>
/// Every <c>berth_*</c> metric of one server, in its own <see cref="CollectorRegistry"/> (exported at <c>/metrics</c>
/// together with the HTTP request metrics and the process metrics of that registry).
/// </summary>
/// <remarks>
/// <para>One instance per server, not prometheus-net's static default registry: two servers in one process (tests, or a
/// future embedded setup) then count apart.</para>
/// <para>Label values that come from the API's enums (event type, assignment state, restart kind, desired state) are the
/// enum names, exactly as the REST API writes them, so a metric and <c>/v1/events</c> can be matched by eye. Gauges are
/// set for every value of their enum, zeros included, so a series does not vanish when its count drops to zero.</para>
/// <para>The scheduling core (<c>Berth.Scheduling</c>) knows nothing of this class: the control loop and the store
/// decorator (<see cref="MeteredKeyValueStore"/>) report what they see.</para>
/// </remarks>
public sealed class BerthMetrics
{
    /// <summary>Name of the placements counter.</summary>
    public const string PlacementsTotal = "berth_placements_total";

    /// <summary>Name of the scheduling cycle histogram.</summary>
    public const string SchedulingCycleSeconds = "berth_scheduling_cycle_duration_seconds";

    /// <summary>Name of the control loop pass histogram.</summary>
    public const string ControlLoopPassSeconds = "berth_control_loop_pass_duration_seconds";

    /// <summary>Name of the control loop failures counter.</summary>
    public const string ControlLoopFailuresTotal = "berth_control_loop_failures_total";

    /// <summary>Name of the nodes-by-status gauge.</summary>
    public const string NodesGauge = "berth_nodes";

    /// <summary>Name of the cordoned nodes gauge.</summary>
    public const string NodesCordonedGauge = "berth_nodes_cordoned";

    /// <summary>Name of the workloads gauge.</summary>
    public const string WorkloadsGauge = "berth_workloads";

    /// <summary>Name of the assignments-by-state gauge.</summary>
    public const string AssignmentsGauge = "berth_assignments";

    /// <summary>Name of the unschedulable replicas gauge.</summary>
    public const string ReplicasUnschedulableGauge = "berth_replicas_unschedulable";

    /// <summary>Name of the events counter.</summary>
    public const string EventsTotal = "berth_events_total";

    /// <summary>Name of the retries counter.</summary>
    public const string RetriesTriggeredTotal = "berth_retries_triggered_total";

    /// <summary>Name of the store transactions counter.</summary>
    public const string StoreTransactionsTotal = "berth_store_transactions_total";

    /// <summary>Name of the leadership gauge: 1 while this server leads (runs the control loop), 0 while it follows.</summary>
    public const string LeaderGauge = "berth_leader";

    /// <summary>Name of the scheduling attempts counter, as kube-scheduler's <c>scheduler_schedule_attempts_total</c>.</summary>
    public const string ScheduleAttemptsTotal = "berth_schedule_attempts_total";

    /// <summary>Name of the scheduling attempt latency histogram, as kube-scheduler's <c>scheduler_scheduling_attempt_duration_seconds</c>.</summary>
    public const string SchedulingAttemptSeconds = "berth_scheduling_attempt_duration_seconds";

    /// <summary>Name of the pending replicas gauge, as kube-scheduler's <c>scheduler_pending_pods</c>.</summary>
    public const string PendingReplicasGauge = "berth_pending_replicas";

    /// <summary>Name of the reconciliation actions counter.</summary>
    public const string ReconcileActionsTotal = "berth_reconcile_actions_total";

    /// <summary>Name of the preemption attempts counter, as kube-scheduler's <c>scheduler_preemption_attempts_total</c>.</summary>
    public const string PreemptionAttemptsTotal = "berth_preemption_attempts_total";

    /// <summary>Name of the preemption victims histogram, as kube-scheduler's <c>scheduler_preemption_victims</c>.</summary>
    public const string PreemptionVictims = "berth_preemption_victims";

    /// <summary>Name of the store request latency histogram.</summary>
    public const string StoreRequestSeconds = "berth_store_request_duration_seconds";

    /// <summary><see cref="ScheduleAttemptsTotal"/> result of a replica placed on a node.</summary>
    public const string ScheduledResult = "scheduled";

    /// <summary><see cref="ScheduleAttemptsTotal"/> result of a replica no node could take.</summary>
    public const string UnschedulableResult = "unschedulable";

    /// <summary><see cref="PendingReplicasGauge"/> queue of the replicas no node could take on their last attempt.</summary>
    public const string UnschedulableQueue = "unschedulable";

    /// <summary><see cref="PendingReplicasGauge"/> queue of the replicas not yet tried since they became wanted.</summary>
    public const string ActiveQueue = "active";

    /// <summary><see cref="StoreRequestSeconds"/> operation of a single-key read.</summary>
    public const string GetOperation = "get";

    /// <summary><see cref="StoreRequestSeconds"/> operation of a range read.</summary>
    public const string RangeOperation = "range";

    /// <summary><see cref="StoreRequestSeconds"/> operation of a transaction (reads, compares and writes at one revision).</summary>
    public const string TxnOperation = "txn";

    /// <summary><see cref="StoreTransactionsTotal"/> result of a transaction whose compares held.</summary>
    public const string CommittedResult = "committed";

    /// <summary><see cref="StoreTransactionsTotal"/> result of a transaction whose compares failed.</summary>
    public const string ConflictResult = "conflict";

    /// <summary><see cref="StoreTransactionsTotal"/> result of a transaction the store threw on.</summary>
    public const string ErrorResult = "error";

    /// <summary><see cref="PlacementsTotal"/> outcome of a replica placed on a node.</summary>
    public const string PlacedOutcome = "placed";

    /// <summary><see cref="PlacementsTotal"/> outcome of a replica no node could take.</summary>
    public const string UnschedulableOutcome = "unschedulable";

    /// <summary><see cref="PlacementsTotal"/> outcome of a replica given up on because the state kept moving.</summary>
    public const string StaleOutcome = "stale";

    /// <summary><see cref="NodesGauge"/> status of a node whose agent heartbeats in time.</summary>
    public const string ReadyStatus = "Ready";

    /// <summary><see cref="NodesGauge"/> status of a node that missed its heartbeat grace.</summary>
    public const string NotReadyStatus = "NotReady";

    private static readonly int ActionResults = Enum.GetValues<ReconcileResult>().Length;

    // Seconds. A pass over an idle cluster is about a millisecond; hundreds of workloads on a slow disk take seconds.
    private static readonly double[] DurationBuckets = Histogram.ExponentialBuckets(0.0005, 2, 16);

    private readonly Counter _placements;
    private readonly Histogram _schedulingCycle;
    private readonly Histogram _loopPass;
    private readonly Counter _loopFailures;
    private readonly Gauge _nodes;
    private readonly Gauge _cordoned;
    private readonly Gauge _workloads;
    private readonly Gauge _assignments;
    private readonly Gauge _unschedulable;
    private readonly Counter _events;
    private readonly Counter _retries;
    private readonly Counter _transactions;
    private readonly Gauge _leader;
    private readonly Counter _attempts;
    private readonly Histogram _attemptSeconds;
    private readonly Gauge _pending;
    private readonly Counter _reconcileActions;
    private readonly Counter _preemptions;
    private readonly Histogram _preemptionVictims;
    private readonly Histogram _storeSeconds;

    // Children resolved once: the hot paths (every pass, every store request) then look nothing up and allocate nothing.
    private readonly Counter.Child _placed;
    private readonly Counter.Child _placedUnschedulable;
    private readonly Counter.Child _placedStale;
    private readonly Counter.Child _attemptsScheduled;
    private readonly Counter.Child _attemptsUnschedulable;
    private readonly Counter.Child _attemptsError;
    private readonly Histogram.Child _attemptScheduledSeconds;
    private readonly Histogram.Child _attemptUnschedulableSeconds;
    private readonly Histogram.Child _attemptErrorSeconds;
    private readonly Counter.Child[] _actions;
    private readonly Histogram.Child _storeGetSeconds;
    private readonly Histogram.Child _storeRangeSeconds;
    private readonly Histogram.Child _storeTxnSeconds;

    /// <summary>Creates the registry, the process metrics and every <c>berth_*</c> metric in it.</summary>
    public BerthMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        Factory = Metrics.WithCustomRegistry(Registry);

        _placements = Factory.CreateCounter(
            PlacementsTotal,
            "Replica placement attempts by outcome: placed (committed on a node), unschedulable (no node fits; counted on every pass that tries again), stale (given up on because the state kept moving).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        _schedulingCycle = Factory.CreateHistogram(
            SchedulingCycleSeconds,
            "Seconds one scheduling cycle took: reading the cluster and placing, removing or stopping the replicas of every workload, in one control loop pass.",
            new HistogramConfiguration { Buckets = DurationBuckets });
        _loopPass = Factory.CreateHistogram(
            ControlLoopPassSeconds,
            "Seconds one control loop pass took (node liveness, due retries, scheduling cycle, cluster counts), failed passes included.",
            new HistogramConfiguration { Buckets = DurationBuckets });
        _loopFailures = Factory.CreateCounter(
            ControlLoopFailuresTotal,
            "Control loop passes that ended with an error (logged; the next pass repeats the work).");
        _nodes = Factory.CreateGauge(
            NodesGauge,
            "Registered nodes by status (Ready or NotReady), as of the last control loop pass.",
            new GaugeConfiguration { LabelNames = ["status"] });
        _cordoned = Factory.CreateGauge(
            NodesCordonedGauge,
            "Registered nodes that are cordoned (take no new replicas), as of the last control loop pass.");
        _workloads = Factory.CreateGauge(
            WorkloadsGauge,
            "Workloads by desired state (Running or Stopped), as of the last control loop pass.",
            new GaugeConfiguration { LabelNames = ["desired_state"] });
        _assignments = Factory.CreateGauge(
            AssignmentsGauge,
            "Replica assignments by state (Pending, Running, Failed, Stopped, Succeeded), as of the last control loop pass.",
            new GaugeConfiguration { LabelNames = ["state"] });
        _unschedulable = Factory.CreateGauge(
            ReplicasUnschedulableGauge,
            "Replicas that no node could take in the last scheduling cycle.");
        _events = Factory.CreateCounter(
            EventsTotal,
            "Cluster events committed to the event log by this server, by event type (as in /v1/events).",
            new CounterConfiguration { LabelNames = ["type"] });
        _retries = Factory.CreateCounter(
            RetriesTriggeredTotal,
            "Failed replicas set to run again after their backoff, by kind (InPlace: same node; Released: placed anew).",
            new CounterConfiguration { LabelNames = ["kind"] });
        _transactions = Factory.CreateCounter(
            StoreTransactionsTotal,
            "Store transactions that write or compare, by result: committed, conflict (a compare failed: another write won and the writer re-reads), error (the store threw).",
            new CounterConfiguration { LabelNames = ["result"] });

        // Every label value exists from the start, so a rate over a counter that has not moved yet is 0, not absent.
        foreach (var outcome in (string[])[PlacedOutcome, UnschedulableOutcome, StaleOutcome])
        {
            _placements.WithLabels(outcome);
        }
        foreach (var result in (string[])[CommittedResult, ConflictResult, ErrorResult])
        {
            _transactions.WithLabels(result);
        }
        foreach (var kind in Enum.GetValues<RestartKind>())
        {
            _retries.WithLabels(kind.ToString());
        }
        foreach (var type in Enum.GetValues<ClusterEventType>())
        {
            _events.WithLabels(type.ToString());
        }
        _attempts = Factory.CreateCounter(
            ScheduleAttemptsTotal,
            "Attempts to schedule a replica, by result: scheduled (committed on a node), unschedulable (no node fits; counted on every attempt), error (given up on because the state kept moving). Named after kube-scheduler's scheduler_schedule_attempts_total.",
            new CounterConfiguration { LabelNames = ["result"] });
        _attemptSeconds = Factory.CreateHistogram(
            SchedulingAttemptSeconds,
            "Seconds from the start of a replica's scheduling attempt to its decision (the placements of one workload pass commit together, so each takes the pass's time), by result. Named after kube-scheduler's scheduler_scheduling_attempt_duration_seconds.",
            new HistogramConfiguration { LabelNames = ["result"], Buckets = DurationBuckets });
        _pending = Factory.CreateGauge(
            PendingReplicasGauge,
            "Replicas waiting to be scheduled, by queue (active: wanted and not yet tried; unschedulable: no node could take them on their last attempt), as of the last control loop pass. Named after kube-scheduler's scheduler_pending_pods.",
            new GaugeConfiguration { LabelNames = ["queue"] });
        _reconcileActions = Factory.CreateCounter(
            ReconcileActionsTotal,
            "Reconciler actions recorded, by action (Place, Release, Retry, Stop, Remove, Replace, StartRollout, CompleteRollout) and result (Changed, Unchanged, Failed), as in the reconciliation records.",
            new CounterConfiguration { LabelNames = ["action", "result"] });
        _preemptions = Factory.CreateCounter(
            PreemptionAttemptsTotal,
            "Replicas scheduled by evicting lower-priority replicas (committed preemptions). Named after kube-scheduler's scheduler_preemption_attempts_total.");
        _preemptionVictims = Factory.CreateHistogram(
            PreemptionVictims,
            "Replicas evicted by one committed preemption. Named after kube-scheduler's scheduler_preemption_victims.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 10) });
        _storeSeconds = Factory.CreateHistogram(
            StoreRequestSeconds,
            "Seconds the store took to answer a request, by operation (get, range, txn), errors included.",
            new HistogramConfiguration { LabelNames = ["operation"], Buckets = DurationBuckets });

        _placed = _placements.WithLabels(PlacedOutcome);
        _placedUnschedulable = _placements.WithLabels(UnschedulableOutcome);
        _placedStale = _placements.WithLabels(StaleOutcome);
        _attemptsScheduled = _attempts.WithLabels(ScheduledResult);
        _attemptsUnschedulable = _attempts.WithLabels(UnschedulableResult);
        _attemptsError = _attempts.WithLabels(ErrorResult);
        _attemptScheduledSeconds = _attemptSeconds.WithLabels(ScheduledResult);
        _attemptUnschedulableSeconds = _attemptSeconds.WithLabels(UnschedulableResult);
        _attemptErrorSeconds = _attemptSeconds.WithLabels(ErrorResult);
        var actions = Enum.GetValues<ReconcileAction>();
        var results = Enum.GetValues<ReconcileResult>();
        _actions = new Counter.Child[actions.Length * results.Length];
        foreach (var action in actions)
        {
            foreach (var result in results)
            {
                _actions[((int)action * results.Length) + (int)result] = _reconcileActions.WithLabels(action.ToString(), result.ToString());
            }
        }
        _storeGetSeconds = _storeSeconds.WithLabels(GetOperation);
        _storeRangeSeconds = _storeSeconds.WithLabels(RangeOperation);
        _storeTxnSeconds = _storeSeconds.WithLabels(TxnOperation);
        RecordCensus(ClusterCensus.Empty);
        _leader = Factory.CreateGauge(
            LeaderGauge,
            "1 while this server is the elected leader (runs the scheduler, applier and reconciler), 0 while it follows.");
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Creates metrics in <see cref="Registry"/> (the HTTP request metrics are made through it).</summary>
    public IMetricFactory Factory { get; }

    /// <summary>
    /// Counts what one scheduling cycle (one placer pass over a workload) did with each replica (placements, scheduling
    /// attempts and their latency, preemptions) and records its duration: once per decision, not per node looked at.
    /// </summary>
    public void RecordSchedulingCycle(PlacementPass pass, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(pass);
        double seconds = duration.TotalSeconds;
        int placed = 0, unschedulable = 0, stale = 0;
        foreach (var replica in pass.Replicas)
        {
            switch (replica.Kind)
            {
                case ReplicaOutcomeKind.Placed:
                    placed++;
                    _attemptScheduledSeconds.Observe(seconds);
                    if (replica.Victims > 0)
                    {
                        _preemptions.Inc();
                        _preemptionVictims.Observe(replica.Victims);
                    }
                    break;
                case ReplicaOutcomeKind.Unschedulable:
                    unschedulable++;
                    _attemptUnschedulableSeconds.Observe(seconds);
                    break;
                case ReplicaOutcomeKind.StaleGaveUp:
                    stale++;
                    _attemptErrorSeconds.Observe(seconds);
                    break;
            }
        }
        _placed.Inc(placed);
        _placedUnschedulable.Inc(unschedulable);
        _placedStale.Inc(stale);
        _attemptsScheduled.Inc(placed);
        _attemptsUnschedulable.Inc(unschedulable);
        _attemptsError.Inc(stale);
        _schedulingCycle.Observe(seconds);
    }

    /// <summary>Counts one recorded reconciler action by its action and result.</summary>
    public void RecordReconcileAction(ReconcileAction action, ReconcileResult result) =>
        _actions[((int)action * ActionResults) + (int)result].Inc();

    /// <summary>Records how long the store took to answer one request (<see cref="GetOperation"/>, <see cref="RangeOperation"/> or <see cref="TxnOperation"/>).</summary>
    public void RecordStoreRequest(string operation, TimeSpan duration)
    {
        var child = operation switch
        {
            GetOperation => _storeGetSeconds,
            RangeOperation => _storeRangeSeconds,
            _ => _storeTxnSeconds,
        };
        child.Observe(duration.TotalSeconds);
    }

    /// <summary>Records one control loop pass.</summary>
    public void RecordLoopPass(TimeSpan duration, bool failed)
    {
        _loopPass.Observe(duration.TotalSeconds);
        if (failed)
        {
            _loopFailures.Inc();
        }
    }

    /// <summary>Counts the replicas a retry pass set to run again.</summary>
    public void RecordRetries(DueResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var restarted in result.Restarted)
        {
            _retries.WithLabels(restarted.Kind.ToString()).Inc();
        }
    }

    /// <summary>Sets the node, workload, assignment and unschedulable-replica gauges.</summary>
    public void RecordCensus(ClusterCensus census)
    {
        ArgumentNullException.ThrowIfNull(census);
        _nodes.WithLabels(ReadyStatus).Set(census.ReadyNodes);
        _nodes.WithLabels(NotReadyStatus).Set(census.NotReadyNodes);
        _cordoned.Set(census.CordonedNodes);
        _unschedulable.Set(census.UnschedulableReplicas);
        _pending.WithLabels(UnschedulableQueue).Set(census.UnschedulableReplicas);
        _pending.WithLabels(ActiveQueue).Set(census.ActiveReplicas);
        foreach (var state in Enum.GetValues<DesiredState>())
        {
            _workloads.WithLabels(state.ToString()).Set(census.Workloads(state));
        }
        foreach (var state in Enum.GetValues<AssignmentState>())
        {
            _assignments.WithLabels(state.ToString()).Set(census.Assignments(state));
        }
    }

    /// <summary>Counts one committed event.</summary>
    public void RecordEvent(ClusterEventType type) => _events.WithLabels(type.ToString()).Inc();

    /// <summary>Counts one store transaction by its result (<see cref="CommittedResult"/>, <see cref="ConflictResult"/> or <see cref="ErrorResult"/>).</summary>
    public void RecordTransaction(string result) => _transactions.WithLabels(result).Inc();

    /// <summary>Sets <see cref="LeaderGauge"/>: 1 while leading.</summary>
    public void RecordLeader(bool leading) => _leader.Set(leading ? 1 : 0);
}
