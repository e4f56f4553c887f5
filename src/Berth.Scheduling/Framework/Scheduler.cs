using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>
/// Runs a profile's plugins over a snapshot for one replica at a time and returns the decision with its explanation.
/// This is the one place the pipeline is wired.
/// </summary>
/// <remarks>
/// A scheduler runs one cycle at a time (its plugins keep per-cycle buffers); run several schedulers for concurrency.
/// Nothing here allocates per node: buffers are sized once per cluster size and reused.
/// </remarks>
public sealed class Scheduler : IDisposable
{
    private readonly SchedulingProfile _profile;
    private readonly SchedulerOptions _options;
    private readonly IFilterPlugin[] _filters;
    private readonly IPreFilterPlugin?[] _preFilters;
    private readonly IScorePlugin[] _scores;
    private readonly IPreScorePlugin?[] _preScores;
    private readonly long[] _weights;
    private readonly IPostFilterPlugin[] _postFilters;
    private readonly IReservePlugin[] _reservers;
    private readonly IPermitPlugin[] _permitters;
    private readonly IBindPlugin[] _binders;
    private readonly IArrivalObserver[] _arrivalObservers;
    private readonly System.Random _random;
    private readonly SchedulingCycle _cycle = new();
    private readonly NodeRefusals _refusals = new();

    // Post-filter probes (SchedulingCycle.FitsOn): their own refusals and flags, so the cycle's stay intact.
    private readonly NodeRefusals _probeRefusals = new();
    private readonly bool[] _probeActive;
    private readonly int[] _probeNode = new int[1];
    private bool _probed;

    // WhyNot: its own refusals and flags, apart from the cycle's and the probes'.
    private readonly NodeRefusals _whyNotRefusals = new();
    private readonly bool[] _whyNotActive;
    private readonly int[] _whyNotNode = new int[1];

    // Per-cycle state, reused.
    private int[] _candidates = [];
    private long[] _totals = [];
    private int[] _ties = [];
    private long[] _zeroScores = [];
    private readonly long[][] _activeScores;
    private readonly long[] _activeWeights;
    private readonly bool[] _scoreUniform;
    private int _activeCount;
    private long _uniformTotal;
    private const int TopCount = 3;
    private long[] _chunkBest = [];
    private int[] _chunkTies = [];
    private int[] _chunkTopCount = [];
    private int[] _chunkTopNodes = [];
    private long[] _chunkTopTotals = [];
    private readonly Action<int> _rankChunk;
    private readonly Action<int> _scoreAndRankChunk;
    private readonly long[][] _scoreByNode;
    private readonly bool[] _filterActive;
    private readonly bool[] _scoreActive;
    private int[] _chunkStart = [];
    private int[] _chunkKept = [];
    private int[,] _chunkRefused = new int[0, 0];
    private int _chunkCount;
    private int _feasibleCount;
    private NodeBitset? _nodeSet;
    private int _nodeSetFilter = -1;
    private int _nodeSetCode;
    private int _lastChosen = -1;
    private NodeRangeWorkers? _workers;
    private readonly Action<int> _filterChunk;
    private readonly Action<int> _scoreChunk;

    // percentageOfNodesToScore: where the next cycle's filter starts (Kubernetes' nextStartNodeIndex), and this cycle's
    // sample. Filter ranges cover positions _positionOffset + _chunkStart[c]..; position p is node (_rotation + p) mod n.
    private int _nextStartNodeIndex;
    private int _nodeCount;
    private int _rotation;
    private int _positionOffset;
    private int _processedNodes;
    private bool _sampled;
    private readonly int[] _sampledRefused;

    /// <summary>Builds the scheduler; throws <see cref="ProfileException"/> naming the profile and plugin when the profile is invalid.</summary>
    public Scheduler(SchedulingProfile profile, PluginRegistry? registry = null, SchedulerOptions? options = null)
    {
        registry ??= PluginRegistry.Default;
        _profile = profile;
        _options = options ?? SchedulerOptions.Default;
        var instances = new Dictionary<string, ISchedulingPlugin>(StringComparer.Ordinal);
        var argsOf = new Dictionary<string, PluginArgs?>(StringComparer.Ordinal);

        // One instance per plugin name serves every point it is named at, as in Kubernetes; its arguments must agree.
        ISchedulingPlugin Instance(string name, PluginArgs? args)
        {
            if (argsOf.TryGetValue(name, out var known) && args is not null && known is not null && !Equals(known, args))
            {
                throw new ProfileException($"profile '{profile.Name}': plugin '{name}' is given different args at two points; give them once");
            }
            if (!instances.TryGetValue(name, out var plugin) || (known is null && args is not null))
            {
                plugin = registry.Create(profile.Name, name, args);
                instances[name] = plugin;
                argsOf[name] = args;
            }
            return plugin;
        }

        // Create with args first so that a later argument-less mention reuses the configured instance.
        foreach (var s in profile.Scores.Where(s => s.Args is not null))
        {
            Instance(s.Name, s.Args);
        }
        foreach (var f in profile.Filters.Where(f => f.Args is not null))
        {
            Instance(f.Name, f.Args);
        }

        _filters = [.. profile.Filters.Select(f => As<IFilterPlugin>(Instance(f.Name, f.Args), "a filter"))];
        _preFilters = [.. _filters.Select(f => f as IPreFilterPlugin)];
        foreach (var s in profile.Scores)
        {
            if (s.Weight is < 0 or > 100)
            {
                throw new ProfileException($"profile '{profile.Name}': score plugin '{s.Name}' weight {s.Weight} is out of range; use 0 to 100");
            }
        }
        _scores = [.. profile.Scores.Select(s => As<IScorePlugin>(Instance(s.Name, s.Args), "a score plugin"))];
        _preScores = [.. _scores.Select(s => s as IPreScorePlugin)];
        _weights = [.. profile.Scores.Select(s => (long)s.Weight)];
        _postFilters = [.. profile.PostFilters.Select(p => As<IPostFilterPlugin>(Instance(p.Name, p.Args), "a post-filter"))];
        var binders = (profile.Binders ?? []).Select(b => Instance(b.Name, b.Args)).ToArray();
        _reservers = [.. binders.OfType<IReservePlugin>()];
        _permitters = [.. binders.OfType<IPermitPlugin>()];
        _binders = [.. binders.OfType<IBindPlugin>()];
        _arrivalObservers = [.. instances.Values.OfType<IArrivalObserver>()];
        _random = new System.Random(profile.Seed);
        _scoreByNode = new long[_scores.Length][];
        _activeScores = new long[_scores.Length][];
        _activeWeights = new long[_scores.Length];
        _scoreUniform = new bool[_scores.Length];
        _rankChunk = RankChunk;
        _scoreAndRankChunk = ScoreAndRankChunk;
        _filterActive = new bool[_filters.Length];
        _probeActive = new bool[_filters.Length];
        _whyNotActive = new bool[_filters.Length];
        _cycle.Probe = Probe;
        _cycle.Filters = _filters;
        _scoreActive = new bool[_scores.Length];
        _filterChunk = FilterChunk;
        _scoreChunk = ScoreChunk;
        _sampledRefused = new int[_filters.Length];
        if (profile.PercentageOfNodesToScore is < FeasibleNodeSampling.Adaptive or > FeasibleNodeSampling.EveryNode)
        {
            throw new ProfileException(
                $"profile '{profile.Name}': percentageOfNodesToScore {profile.PercentageOfNodesToScore} is out of range; use 0 (Kubernetes' adaptive default) or 1 to 100 (100 = every node)");
        }

        T As<T>(ISchedulingPlugin plugin, string role) where T : class =>
            plugin as T ?? throw new ProfileException($"profile '{profile.Name}': plugin '{plugin.Name}' cannot be used as {role}");
    }

    /// <summary>Stops the scheduler's worker threads.</summary>
    public void Dispose() => _workers?.Dispose();

    /// <summary>The profile this scheduler runs.</summary>
    public SchedulingProfile Profile => _profile;

    /// <summary>
    /// Kubernetes' <c>nextStartNodeIndex</c>: the node index (modulo the node count) where the next cycle starts filtering.
    /// Each cycle advances it by the nodes it looked at, so under <see cref="SchedulingProfile.PercentageOfNodesToScore"/>
    /// every node gets considered over successive decisions; it stays put while every node is looked at.
    /// </summary>
    public int NextStartNodeIndex => _nextStartNodeIndex;

    /// <summary>Decides where one replica goes. The snapshot is not changed: the caller commits the plan.</summary>
    /// <param name="explain">Also record every node's evaluation and the reason counts (costs allocation per node).</param>
    public PlacementResult Schedule(ClusterSnapshot snapshot, ReplicaInfo replica, int replicaIndex = 0, bool explain = false)
    {
        int n = snapshot.NodeCount;
        EnsureCapacity(n);
        _cycle.Snapshot = snapshot;
        _cycle.Replica = replica;
        _cycle.ReplicaIndex = replicaIndex;
        foreach (var observer in _arrivalObservers)
        {
            observer.Arrived(_cycle);
        }
        _refusals.Reset(n);
        _nodeCount = n;
        _sampled = false;
        _processedNodes = n;
        _rotation = 0;
        _positionOffset = 0;

        // 1. PreFilter: plugins prepare per-cycle state once, so Filter touches only flat arrays per node,
        //    and plugins with nothing to check for this replica drop out of the per-node loop entirely.
        for (int f = 0; f < _filters.Length; f++)
        {
            var status = _preFilters[f]?.PreFilter(_cycle) ?? PluginStatus.Success;
            _filterActive[f] = status.Code != PluginStatusCode.Skip;
            if (status.Code == PluginStatusCode.Unschedulable)
            {
                // The plugin refuses every node for the same reason; record it per node so explanations stay uniform.
                for (int node = 0; node < n; node++)
                {
                    _refusals.Refuse(node, f, status.ReasonCode);
                }
                _feasibleCount = 0;
                return Unschedulable(snapshot, n, refusedAllBy: f, explain);
            }
        }

        // A PreFilter may name the only nodes worth filtering (Kubernetes' PreFilterResult): the rest are refused by
        // that plugin before any filter sees them, so they carry its reason, not an earlier filter's.
        _nodeSetFilter = -1;
        for (int f = 0; f < _filters.Length && _nodeSetFilter < 0; f++)
        {
            if (_filterActive[f] && _preFilters[f] is IPreFilterNodeSet setter && setter.NodesToFilter(out int code) is { } set)
            {
                _nodeSet = set;
                _nodeSetFilter = f;
                _nodeSetCode = code;
            }
        }

        // 2. Filter in parallel over node ranges: each range runs the filters in profile order, so a node is
        //    refused by the first filter that fails, as in Kubernetes. Under percentageOfNodesToScore the search stops
        //    once enough nodes are feasible. A PreFilter's node set is filtered whole: Kubernetes samples within such a
        //    set, which samples nothing below 100 nodes, and Berth's sets (a pinned node name) are that small.
        int toFind = _nodeSetFilter < 0 ? FeasibleNodeSampling.NumFeasibleNodesToFind(_profile.PercentageOfNodesToScore, n) : n;
        if (toFind < n)
        {
            _feasibleCount = FilterSample(n, toFind);
        }
        else
        {
            PlanChunks(n);
            RunChunks(_filterChunk);
            _feasibleCount = CompactFeasible();
        }

        // 3. PostFilter (preemption) only when no node fits.
        if (_feasibleCount == 0)
        {
            return Unschedulable(snapshot, n, refusedAllBy: -1, explain);
        }

        // 4. PreScore sees all feasible nodes (topology counts need them), then 5. Score in parallel,
        //    then 6. NormalizeScore over all feasible nodes, since normalization needs the maximum,
        //    then totals and ranking per range in parallel again.
        var feasible = _candidates.AsSpan(0, _feasibleCount);
        for (int s = 0; s < _scores.Length; s++)
        {
            var status = _preScores[s]?.PreScore(_cycle, feasible) ?? PluginStatus.Success;
            _scoreActive[s] = status.Code != PluginStatusCode.Skip && _weights[s] != 0;
        }
        bool normalize = PrepareScoring(explain);
        PlanChunks(_feasibleCount);
        if (normalize)
        {
            RunChunks(_scoreChunk);
            for (int s = 0; s < _scores.Length; s++)
            {
                if (_scoreActive[s] && !_scoreUniform[s])
                {
                    _scores[s].NormalizeScore(_cycle, feasible, _scoreByNode[s]);
                }
            }
            RunChunks(_rankChunk);
        }
        else
        {
            // No active plugin normalizes: each node range is scored, totalled and ranked in one parallel pass.
            RunChunks(_scoreAndRankChunk);
        }

        // 7. Select: the best weighted total over all ranges, ties broken by the profile's tiebreak.
        Span<int> topNodes = stackalloc int[3];
        Span<long> topTotals = stackalloc long[3];
        int chosen = MergeRanks(snapshot, feasible, topNodes, topTotals, out int topCount);
        var diagnostics = Diagnostics(snapshot, n, explain, summary: null, topNodes[..topCount], topTotals[..topCount]);

        // 8. Reserve → Permit → PreBind → Bind → PostBind, for plugins the profile names as binders.
        var outcome = RunBindingPoints(chosen);
        if (outcome == PlacementOutcome.Placed)
        {
            _lastChosen = chosen;
        }
        return new PlacementResult(outcome, chosen, snapshot.Node(chosen).Name, diagnostics, []);
    }

    /// <summary>
    /// Says why one replica does not fit one node of the snapshot as it stands now, or null when it fits: runs the
    /// profile's PreFilter and Filter plugins for that node only, as <see cref="Schedule"/> runs them, so a node this
    /// accepts is one <see cref="Schedule"/> finds feasible and the other way round. A plan applier uses it to re-check
    /// a placement planned on an older copy of the snapshot.
    /// </summary>
    /// <remarks>
    /// No PostFilter runs (no preemption) and nothing is scored or bound; the snapshot is not changed. The reason is
    /// the refusing plugin's name and its reasons in the words explained results use, e.g.
    /// <c>NodeResourcesFit: Insufficient cpu</c>. Like <see cref="Schedule"/>, not for concurrent use of one scheduler.
    /// </remarks>
    /// <param name="node">The node's index in <paramref name="snapshot"/>.</param>
    /// <param name="replicaIndex">Which replica of the workload this is (0-based), as for <see cref="Schedule"/>.</param>
    public string? WhyNot(ClusterSnapshot snapshot, ReplicaInfo replica, int node, int replicaIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, snapshot.NodeCount);
        _cycle.Snapshot = snapshot;
        _cycle.Replica = replica;
        _cycle.ReplicaIndex = replicaIndex;

        // The same steps as Schedule for one node: every PreFilter first (one refusing refuses every node), then the
        // first node set a PreFilter names, then the active filters in profile order.
        for (int f = 0; f < _filters.Length; f++)
        {
            var status = _preFilters[f]?.PreFilter(_cycle) ?? PluginStatus.Success;
            if (status.Code == PluginStatusCode.Unschedulable)
            {
                return WhyNotReason(f, node, status.ReasonCode);
            }
            _whyNotActive[f] = status.Code != PluginStatusCode.Skip;
        }
        for (int f = 0; f < _filters.Length; f++)
        {
            if (_whyNotActive[f] && _preFilters[f] is IPreFilterNodeSet setter && setter.NodesToFilter(out int code) is { } set)
            {
                if (!set.Contains(node))
                {
                    return WhyNotReason(f, node, code);
                }
                break;
            }
        }
        _whyNotRefusals.Reset(snapshot.NodeCount);
        for (int f = 0; f < _filters.Length; f++)
        {
            if (!_whyNotActive[f])
            {
                continue;
            }
            _whyNotNode[0] = node;
            if (_filters[f].Filter(_cycle, _whyNotNode, new RefusalRecorder(_whyNotRefusals, f)) == 0)
            {
                return WhyNotReason(f, node, _whyNotRefusals.ReasonCode(node));
            }
        }
        return null;
    }

    private string WhyNotReason(int filter, int node, int code)
    {
        var reasons = new List<string>();
        _filters[filter].DescribeRefusal(_cycle, node, code, reasons);
        return $"{_filters[filter].Name}: {string.Join(", ", reasons)}";
    }

    private PlacementResult Unschedulable(ClusterSnapshot snapshot, int n, int refusedAllBy, bool explain)
    {
        // Kubernetes runs post-filters whether filtering or a PreFilter refused every node.
        PostFilterResult? post = null;
        if (_postFilters.Length > 0)
        {
            _probeRefusals.Reset(n);
            _probed = false;
            foreach (var postFilter in _postFilters)
            {
                post = postFilter.PostFilter(_cycle, _refusals);
                if (post is { Found: true })
                {
                    break;
                }
            }
            if (_probed)
            {
                // Probes re-ran PreFilter against simulated evictions; describing refusals needs the cycle's own state.
                for (int f = 0; f < _filters.Length; f++)
                {
                    _preFilters[f]?.PreFilter(_cycle);
                }
            }
        }
        var summary = Summary(n, explain, out var reasonCounts, out var exhausted, out var nodes);
        if (refusedAllBy >= 0 && n > 0)
        {
            // Kubernetes prints a PreFilter refusal once, without a node count: "0/3 nodes are available: <reason>."
            var reasons = new List<string>();
            _filters[refusedAllBy].DescribeRefusal(_cycle, 0, _refusals.ReasonCode(0), reasons);
            summary = $"0/{n} nodes are available: {string.Join(", ", reasons)}.";
        }
        // Kubernetes' FitError appends the post-filter's own message: "preemption: 0/N nodes are available: ...".
        string? postFilterSummary = post is { Found: false, Message: { } message } ? $"preemption: {message}" : null;
        var diagnostics = new PlacementDiagnostics(n, 0, RefusedByPlugin(n, refusedAllBy), reasonCounts, exhausted, [], nodes, summary, postFilterSummary);
        if (post is { Found: true })
        {
            var victims = post.Victims;
            // The nominated node goes through Reserve → Permit → bind as a feasible one would, so a gang member that
            // preempts waits for its gang like any other (and its victims are only evicted if the gang stands).
            var bound = RunBindingPoints(post.Node);
            return new PlacementResult(bound, post.Node, snapshot.Node(post.Node).Name, diagnostics, victims, post.Details);
        }
        return new PlacementResult(PlacementOutcome.Unschedulable, -1, null, diagnostics, [], null);
    }

    /// <summary>Runs every filter on one node, single-threaded, against the snapshot as it is now (see <see cref="SchedulingCycle.FitsOn(int)"/>).</summary>
    private bool Probe(int node, List<string>? reasons)
    {
        _probed = true;
        for (int f = 0; f < _filters.Length; f++)
        {
            var status = _preFilters[f]?.PreFilter(_cycle) ?? PluginStatus.Success;
            if (status.Code == PluginStatusCode.Unschedulable)
            {
                if (reasons is not null)
                {
                    _filters[f].DescribeRefusal(_cycle, node, status.ReasonCode, reasons);
                }
                return false;
            }
            _probeActive[f] = status.Code != PluginStatusCode.Skip;
        }
        for (int f = 0; f < _filters.Length; f++)
        {
            if (!_probeActive[f])
            {
                continue;
            }
            _probeNode[0] = node;
            if (_filters[f].Filter(_cycle, _probeNode, new RefusalRecorder(_probeRefusals, f)) == 0)
            {
                if (reasons is not null)
                {
                    _filters[f].DescribeRefusal(_cycle, node, _probeRefusals.ReasonCode(node), reasons);
                }
                return false;
            }
        }
        return true;
    }

    private void EnsureCapacity(int n)
    {
        if (_candidates.Length < n)
        {
            _candidates = new int[n];
            _totals = new long[n];
            _ties = new int[n];
            _zeroScores = new long[n];
            for (int s = 0; s < _scoreByNode.Length; s++)
            {
                _scoreByNode[s] = new long[n];
            }
        }
        int workers = Math.Max(1, _options.Parallelism);
        if (_chunkStart.Length < workers + 1)
        {
            _chunkStart = new int[workers + 1];
            _chunkKept = new int[workers];
            _chunkRefused = new int[workers, _filters.Length];
            _chunkBest = new long[workers];
            _chunkTies = new int[workers];
            _chunkTopCount = new int[workers];
            _chunkTopNodes = new int[workers * TopCount];
            _chunkTopTotals = new long[workers * TopCount];
        }
    }

    private void PlanChunks(int items)
    {
        int workers = Math.Max(1, _options.Parallelism);
        int chunks = Math.Clamp(items / Math.Max(1, _options.MinNodesPerWorker), 1, workers);
        _chunkCount = chunks;
        for (int c = 0; c <= chunks; c++)
        {
            _chunkStart[c] = (int)((long)items * c / chunks);
        }
    }

    private void RunChunks(Action<int> body)
    {
        if (_chunkCount == 1)
        {
            body(0);
        }
        else
        {
            _workers ??= new NodeRangeWorkers(Math.Max(1, _options.Parallelism));
            _workers.Execute(_chunkCount, body);
        }
    }

    private void FilterChunk(int chunk)
    {
        // Slots are positions: outside a sample position p holds node p; in a sample, node (_rotation + p) mod n.
        int start = _positionOffset + _chunkStart[chunk], end = _positionOffset + _chunkStart[chunk + 1];
        var candidates = _candidates.AsSpan(start, end - start);
        for (int f = 0; f < _filters.Length; f++)
        {
            _chunkRefused[chunk, f] = 0;
        }
        int count;
        if (_nodeSetFilter < 0)
        {
            int n = _nodeCount;
            int node = start + _rotation;
            if (node >= n)
            {
                node -= n;
            }
            // Two plain runs (up to the last node, then from node 0) keep the loop as tight as without a rotation.
            int beforeWrap = Math.Min(candidates.Length, n - node);
            for (int i = 0; i < beforeWrap; i++)
            {
                candidates[i] = node + i;
            }
            for (int i = beforeWrap; i < candidates.Length; i++)
            {
                candidates[i] = i - beforeWrap;
            }
            count = candidates.Length;
        }
        else
        {
            count = 0;
            var recorder = new RefusalRecorder(_refusals, _nodeSetFilter);
            for (int node = start; node < end; node++)
            {
                if (_nodeSet!.Contains(node))
                {
                    candidates[count++] = node;
                }
                else
                {
                    recorder.Refuse(node, _nodeSetCode);
                }
            }
            _chunkRefused[chunk, _nodeSetFilter] = candidates.Length - count;
        }
        for (int f = 0; f < _filters.Length && count > 0; f++)
        {
            if (!_filterActive[f])
            {
                continue;
            }
            int kept = _filters[f].Filter(_cycle, candidates[..count], new RefusalRecorder(_refusals, f));
            _chunkRefused[chunk, f] += count - kept;
            count = kept;
        }
        _chunkKept[chunk] = count;
    }

    /// <summary>
    /// Filters nodes in rotated order from <see cref="NextStartNodeIndex"/> until <paramref name="toFind"/> are feasible
    /// (Kubernetes' early stop), leaves them in <c>_candidates[..count]</c> in node order, and advances the start index by
    /// the nodes looked at. Returns the feasible count.
    /// </summary>
    /// <remarks>
    /// The rule, whatever the number of worker ranges: the nodes looked at are the rotated prefix up to and including
    /// the <paramref name="toFind"/>-th feasible node (every node when fewer are feasible), exactly what a one-thread
    /// Kubernetes filter finds. Kubernetes' parallel filter cancels when enough are found, so which nodes it keeps depends
    /// on thread timing; here workers filter batches of positions and whatever a batch found past the cut is ignored
    /// (neither counted nor explained), so the result depends only on the snapshot and the start index. A batch is
    /// <paramref name="toFind"/> positions: the first one is enough when every node fits, and when few fit at most one
    /// batch is filtered beyond the cut.
    /// </remarks>
    private int FilterSample(int n, int toFind)
    {
        _sampled = true;
        _rotation = _nextStartNodeIndex % n;
        Array.Clear(_sampledRefused);
        int found = 0, done = 0, processed = n;
        while (done < n && processed == n)
        {
            int size = Math.Min(toFind, n - done);
            _positionOffset = done;
            PlanChunks(size);
            RunChunks(_filterChunk);
            for (int c = 0; c < _chunkCount; c++)
            {
                int start = done + _chunkStart[c], kept = _chunkKept[c];
                if (found + kept >= toFind)
                {
                    // The cut falls in this range: keep up to the toFind-th feasible node, count refusals before it only.
                    int take = toFind - found;
                    int last = _candidates[start + take - 1];
                    processed = PositionOf(last, n) + 1;
                    Array.Copy(_candidates, start, _candidates, found, take);
                    found += take;
                    CountRefusals(start, processed, n);
                    break;
                }
                if (start != found)
                {
                    Array.Copy(_candidates, start, _candidates, found, kept);
                }
                found += kept;
                for (int f = 0; f < _filters.Length; f++)
                {
                    _sampledRefused[f] += _chunkRefused[c, f];
                }
            }
            done += size;
        }
        _positionOffset = 0;
        _processedNodes = processed;
        // Kubernetes: nextStartNodeIndex = (nextStartNodeIndex + processedNodes) % numAllNodes.
        _nextStartNodeIndex = (_rotation + processed) % n;

        // Rotated order is two ascending runs (from the start index up, then from node 0); turn them into node order,
        // in place, so ranking, ties and the First and RoundRobin tiebreaks see nodes as without a limit.
        var feasible = _candidates.AsSpan(0, found);
        int wrap = 1;
        while (wrap < found && feasible[wrap] > feasible[wrap - 1])
        {
            wrap++;
        }
        if (wrap < found)
        {
            feasible[..wrap].Reverse();
            feasible[wrap..].Reverse();
            feasible.Reverse();
        }
        return found;
    }

    private int PositionOf(int node, int n)
    {
        int position = node - _rotation;
        return position < 0 ? position + n : position;
    }

    /// <summary>True when this cycle's filter looked at the node (always, unless a percentage limit stopped it early).</summary>
    private bool WasEvaluated(int node) => !_sampled || PositionOf(node, _nodeCount) < _processedNodes;

    private void CountRefusals(int fromPosition, int toPosition, int n)
    {
        for (int p = fromPosition; p < toPosition; p++)
        {
            int node = _rotation + p;
            if (node >= n)
            {
                node -= n;
            }
            int f = _refusals.RefusingFilter(node);
            if (f >= 0)
            {
                _sampledRefused[f]++;
            }
        }
    }

    private int CompactFeasible()
    {
        int total = 0;
        for (int c = 0; c < _chunkCount; c++)
        {
            int start = _chunkStart[c], kept = _chunkKept[c];
            if (start != total)
            {
                Array.Copy(_candidates, start, _candidates, total, kept);
            }
            total += kept;
        }
        return total;
    }

    private void ScoreChunk(int chunk)
    {
        int start = _chunkStart[chunk], end = _chunkStart[chunk + 1];
        var nodes = _candidates.AsSpan(start, end - start);
        for (int s = 0; s < _scores.Length; s++)
        {
            if (_scoreActive[s] && !_scoreUniform[s])
            {
                _scores[s].Score(_cycle, nodes, _scoreByNode[s]);
            }
        }
    }

    /// <summary>
    /// Compacts the active score arrays and weights, folds plugins with a uniform score into one constant, and says
    /// whether any remaining plugin needs its NormalizeScore step.
    /// </summary>
    private bool PrepareScoring(bool explain)
    {
        _activeCount = 0;
        _uniformTotal = 0;
        bool normalize = false;
        for (int s = 0; s < _scores.Length; s++)
        {
            _scoreUniform[s] = false;
            if (!_scoreActive[s])
            {
                continue;
            }
            // With an explanation every plugin fills its per-node array, so each node's scores can be reported.
            if (!explain && _scores[s].TryUniformScore(_cycle, out long uniform))
            {
                _scoreUniform[s] = true;
                _uniformTotal += uniform * _weights[s];
                continue;
            }
            _activeScores[_activeCount] = _scoreByNode[s];
            _activeWeights[_activeCount] = _weights[s];
            _activeCount++;
            normalize |= _scores[s].NormalizesScores;
        }
        return normalize;
    }

    private void ScoreAndRankChunk(int chunk)
    {
        ScoreChunk(chunk);
        RankChunk(chunk);
    }

    /// <summary>Totals one range of feasible nodes and records its best total, its tied nodes (in node order) and its top three.</summary>
    private void RankChunk(int chunk)
    {
        int start = _chunkStart[chunk], end = _chunkStart[chunk + 1];
        var nodes = _candidates.AsSpan(start, end - start);
        var totals = _totals.AsSpan(start, end - start);
        // Weighted random needs every total afterwards; otherwise up to three score arrays are summed on the fly.
        bool fused = _activeCount <= 3 && _profile.Tiebreak != Tiebreak.WeightedRandom;
        if (!fused)
        {
            ComputeTotals(nodes, totals);
        }
        long[] a = _activeCount > 0 ? _activeScores[0] : _zeroScores;
        long[] b = _activeCount > 1 ? _activeScores[1] : _zeroScores;
        long[] c = _activeCount > 2 ? _activeScores[2] : _zeroScores;
        long wa = _activeCount > 0 ? _activeWeights[0] : 0;
        long wb = _activeCount > 1 ? _activeWeights[1] : 0;
        long wc = _activeCount > 2 ? _activeWeights[2] : 0;
        long constant = _uniformTotal;

        var ties = _ties.AsSpan(start, end - start);
        var topNodes = _chunkTopNodes.AsSpan(chunk * TopCount, TopCount);
        var topTotals = _chunkTopTotals.AsSpan(chunk * TopCount, TopCount);
        int topCount = 0, tieCount = 0;
        long bestTotal = long.MinValue;
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = nodes[i];
            long total = fused ? constant + a[node] * wa + b[node] * wb + c[node] * wc : totals[i];
            if (total < bestTotal)
            {
                if (topCount < TopCount || total > topTotals[topCount - 1])
                {
                    InsertTop(node, total, topNodes, topTotals, ref topCount);
                }
                continue;
            }
            InsertTop(node, total, topNodes, topTotals, ref topCount);
            if (total > bestTotal)
            {
                bestTotal = total;
                tieCount = 0;
            }
            ties[tieCount++] = node;
        }
        _chunkBest[chunk] = bestTotal;
        _chunkTies[chunk] = tieCount;
        _chunkTopCount[chunk] = topCount;
    }

    /// <summary>
    /// Combines the ranges' rankings in node order, so the outcome is the same whatever the number of ranges:
    /// the best total, every node tied with it, the top three; then breaks the tie.
    /// </summary>
    private int MergeRanks(ClusterSnapshot snapshot, ReadOnlySpan<int> feasible, Span<int> topNodes, Span<long> topTotals, out int topCount)
    {
        long best = long.MinValue;
        for (int c = 0; c < _chunkCount; c++)
        {
            best = Math.Max(best, _chunkBest[c]);
        }
        int tieCount = 0;
        topCount = 0;
        for (int c = 0; c < _chunkCount; c++)
        {
            if (_chunkBest[c] == best)
            {
                // Ranges are in node order and each range's ties start at its own offset, so moving them to the front keeps order.
                Array.Copy(_ties, _chunkStart[c], _ties, tieCount, _chunkTies[c]);
                tieCount += _chunkTies[c];
            }
            for (int t = 0; t < _chunkTopCount[c]; t++)
            {
                InsertTop(_chunkTopNodes[c * TopCount + t], _chunkTopTotals[c * TopCount + t], topNodes, topTotals, ref topCount);
            }
        }
        return _profile.Tiebreak == Tiebreak.WeightedRandom
            ? WeightedPick(feasible, _totals.AsSpan(0, feasible.Length))
            : BreakTie(snapshot, _ties.AsSpan(0, tieCount));
    }

    private void ComputeTotals(ReadOnlySpan<int> nodes, Span<long> totals)
    {
        int active = _activeCount;
        long constant = _uniformTotal;
        if (active == 0)
        {
            totals.Fill(constant);
            return;
        }
        // Up to three score arrays per pass (plain replicas under the default profile have two or three).
        int s = 0;
        bool assigned = false;
        while (s < active)
        {
            int take = Math.Min(3, active - s);
            long[] a = _activeScores[s], b = take > 1 ? _activeScores[s + 1] : a, c = take > 2 ? _activeScores[s + 2] : a;
            long wa = _activeWeights[s], wb = take > 1 ? _activeWeights[s + 1] : 0, wc = take > 2 ? _activeWeights[s + 2] : 0;
            if (assigned)
            {
                for (int i = 0; i < nodes.Length; i++)
                {
                    int node = nodes[i];
                    totals[i] += a[node] * wa + b[node] * wb + c[node] * wc;
                }
            }
            else
            {
                for (int i = 0; i < nodes.Length; i++)
                {
                    int node = nodes[i];
                    totals[i] = constant + a[node] * wa + b[node] * wb + c[node] * wc;
                }
                assigned = true;
            }
            s += take;
        }
    }

    private int WeightedPick(ReadOnlySpan<int> feasible, ReadOnlySpan<long> totals)
    {
        // Each node's chance is its total + 1, so zero-score nodes keep a chance.
        double sum = 0;
        for (int i = 0; i < totals.Length; i++)
        {
            sum += totals[i] + 1;
        }
        double pick = _random.NextDouble() * sum;
        for (int i = 0; i < totals.Length; i++)
        {
            pick -= totals[i] + 1;
            if (pick < 0)
            {
                return feasible[i];
            }
        }
        return feasible[^1];
    }

    private int BreakTie(ClusterSnapshot snapshot, ReadOnlySpan<int> ties)
    {
        if (ties.Length == 1)
        {
            return ties[0];
        }
        switch (_profile.Tiebreak)
        {
            case Tiebreak.Random:
                // Uniform over the tied nodes, as Kubernetes' selectHost; one draw per decision, so it replays with the seed.
                return ties[_random.Next(ties.Length)];
            case Tiebreak.LeastLoaded:
                int least = ties[0];
                double leastLoad = Load(snapshot, least);
                foreach (int node in ties[1..])
                {
                    double load = Load(snapshot, node);
                    if (load < leastLoad)
                    {
                        least = node;
                        leastLoad = load;
                    }
                }
                return least;
            case Tiebreak.RoundRobin:
                // The first tied node after the last choice, wrapping around.
                foreach (int node in ties)
                {
                    if (node > _lastChosen)
                    {
                        return node;
                    }
                }
                return ties[0];
            default:
                return ties[0];
        }
    }

    private static double Load(ClusterSnapshot snapshot, int node)
    {
        double load = 0;
        long cpu = snapshot.Cpu.Allocatable(node), memory = snapshot.Memory.Allocatable(node);
        load += cpu > 0 ? (double)snapshot.Cpu.Requested(node) / cpu : 1;
        load += memory > 0 ? (double)snapshot.Memory.Requested(node) / memory : 1;
        return load;
    }

    private static void InsertTop(int node, long total, Span<int> nodes, Span<long> totals, ref int count)
    {
        int capacity = nodes.Length;
        int pos = count;
        while (pos > 0 && totals[pos - 1] < total)
        {
            pos--;
        }
        if (pos >= capacity)
        {
            return;
        }
        int last = Math.Min(count, capacity - 1);
        for (int i = last; i > pos; i--)
        {
            nodes[i] = nodes[i - 1];
            totals[i] = totals[i - 1];
        }
        nodes[pos] = node;
        totals[pos] = total;
        count = Math.Min(count + 1, capacity);
    }

    private PlacementOutcome RunBindingPoints(int node)
    {
        int reserved = 0;
        for (; reserved < _reservers.Length; reserved++)
        {
            var status = _reservers[reserved].Reserve(_cycle, node);
            if (!status.IsSuccess && status.Code != PluginStatusCode.Skip)
            {
                Unreserve(node, reserved);
                return PlacementOutcome.Failed;
            }
        }
        bool waiting = false;
        foreach (var permit in _permitters)
        {
            var status = permit.Permit(_cycle, node);
            if (status.Code == PluginStatusCode.Wait)
            {
                waiting = true;
            }
            else if (!status.IsSuccess && status.Code != PluginStatusCode.Skip)
            {
                Unreserve(node, _reservers.Length);
                return PlacementOutcome.Failed;
            }
        }
        if (waiting)
        {
            return PlacementOutcome.Waiting;
        }
        foreach (var binder in _binders)
        {
            var status = binder.PreBind(_cycle, node);
            if (!status.IsSuccess && status.Code != PluginStatusCode.Skip)
            {
                Unreserve(node, _reservers.Length);
                return PlacementOutcome.Failed;
            }
        }
        foreach (var binder in _binders)
        {
            var status = binder.Bind(_cycle, node);
            if (status.Code == PluginStatusCode.Skip)
            {
                continue;
            }
            if (!status.IsSuccess)
            {
                Unreserve(node, _reservers.Length);
                return PlacementOutcome.Failed;
            }
            break;
        }
        foreach (var binder in _binders)
        {
            binder.PostBind(_cycle, node);
        }
        return PlacementOutcome.Placed;
    }

    private void Unreserve(int node, int count)
    {
        // Reverse order, as Kubernetes does, so later reservations that depend on earlier ones unwind first.
        for (int i = count - 1; i >= 0; i--)
        {
            _reservers[i].Unreserve(_cycle, node);
        }
    }

    private Dictionary<string, int> RefusedByPlugin(int n, int refusedAllBy)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (refusedAllBy >= 0)
        {
            result[_filters[refusedAllBy].Name] = n;
            return result;
        }
        for (int f = 0; f < _filters.Length; f++)
        {
            int refused = 0;
            if (_sampled)
            {
                refused = _sampledRefused[f];
            }
            else
            {
                for (int c = 0; c < _chunkCount; c++)
                {
                    refused += _chunkRefused[c, f];
                }
            }
            if (refused > 0)
            {
                result[_filters[f].Name] = refused;
            }
        }
        return result;
    }

    private PlacementDiagnostics Diagnostics(ClusterSnapshot snapshot, int n, bool explain, string? summary, ReadOnlySpan<int> topNodes, ReadOnlySpan<long> topTotals)
    {
        var top = new NodeScore[topNodes.Length];
        for (int i = 0; i < top.Length; i++)
        {
            top[i] = new NodeScore(snapshot.Node(topNodes[i]).Name, topTotals[i]);
        }
        IReadOnlyDictionary<string, int> reasonCounts = EmptyCounts, exhausted = EmptyCounts;
        IReadOnlyList<NodeEvaluation>? nodes = null;
        if (explain)
        {
            Summary(n, explain, out reasonCounts, out exhausted, out nodes);
        }
        // Under percentageOfNodesToScore, say how many nodes were looked at and of how many.
        int? inCluster = _processedNodes < n ? n : null;
        return new PlacementDiagnostics(_processedNodes, _feasibleCount, RefusedByPlugin(n, -1), reasonCounts, exhausted, top, nodes, summary,
            NodesInCluster: inCluster);
    }

    private static readonly IReadOnlyDictionary<string, int> EmptyCounts = new Dictionary<string, int>();

    private string Summary(int n, bool explain, out IReadOnlyDictionary<string, int> reasonCounts, out IReadOnlyDictionary<string, int> exhausted, out IReadOnlyList<NodeEvaluation>? nodes)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var resources = new Dictionary<string, int>(StringComparer.Ordinal);
        var evaluations = explain ? new List<NodeEvaluation>(n) : null;
        // Most refusals read the same for every node with the same (filter, code): describe each such pair once.
        var described = new Dictionary<(int Filter, int Code), Refusal>();
        var snapshot = _cycle.Snapshot;
        for (int node = 0; node < n; node++)
        {
            if (!WasEvaluated(node))
            {
                continue;
            }
            int f = _refusals.RefusingFilter(node);
            if (f < 0)
            {
                evaluations?.Add(FeasibleEvaluation(snapshot, node));
                continue;
            }
            int code = _refusals.ReasonCode(node);
            var filter = _filters[f];
            if (filter.RefusalDependsOnNode || !described.TryGetValue((f, code), out var refusal))
            {
                refusal = Describe(filter, node, code);
                if (!filter.RefusalDependsOnNode)
                {
                    described[(f, code)] = refusal;
                }
            }
            foreach (var reason in refusal.Reasons)
            {
                counts[reason] = counts.GetValueOrDefault(reason) + 1;
            }
            foreach (var resource in refusal.Exhausted)
            {
                resources[resource] = resources.GetValueOrDefault(resource) + 1;
            }
            evaluations?.Add(new NodeEvaluation(snapshot.Node(node).Name, false, filter.Name, refusal.Reasons, EmptyScores, 0));
        }
        reasonCounts = counts;
        exhausted = resources;
        nodes = evaluations;
        if (n == 0)
        {
            // Kubernetes' ErrNoNodesAvailable.
            return "no nodes available to schedule pods";
        }
        // Kubernetes' FitError: "0/N nodes are available: " + "count reason" entries sorted as strings, then ".".
        var parts = counts.Select(kv => $"{kv.Value} {kv.Key}").Order(StringComparer.Ordinal);
        return $"0/{n} nodes are available: {string.Join(", ", parts)}.";
    }

    private Refusal Describe(IFilterPlugin filter, int node, int code)
    {
        var reasons = new List<string>();
        filter.DescribeRefusal(_cycle, node, code, reasons);
        var exhausted = new List<string>();
        (filter as IExhaustedResourceReporter)?.ExhaustedResources(_cycle, node, code, exhausted);
        return new Refusal([.. reasons], [.. exhausted]);
    }

    private readonly record struct Refusal(string[] Reasons, string[] Exhausted);

    private static readonly IReadOnlyDictionary<string, long> EmptyScores = new Dictionary<string, long>();

    private NodeEvaluation FeasibleEvaluation(ClusterSnapshot snapshot, int node)
    {
        var scores = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        if (_feasibleCount > 0)
        {
            for (int s = 0; s < _scores.Length; s++)
            {
                if (_scoreActive[s])
                {
                    long score = _scoreByNode[s][node];
                    scores[_scores[s].Name] = score;
                    total += score * _weights[s];
                }
            }
        }
        return new NodeEvaluation(snapshot.Node(node).Name, true, null, [], scores, total);
    }
}
