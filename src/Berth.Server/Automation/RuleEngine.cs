using System.Globalization;
using System.Text.Json;
using Berth.Core.Specs;
using Berth.Scheduling.Fleet;
using Berth.Server.Fleet;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Automation;

/// <summary>
/// Evaluates the automation rules (<see cref="RuleSpec"/>, <c>/objects/rules/</c>) once per <see cref="RunPassAsync"/>:
/// for each rule, the subjects its condition holds for now; then, per subject, an episode starts when the condition starts
/// to hold (after the hold time of a node metric) and ends when it stops. The actions fire once per episode: the episode
/// record (<c>/automation/episodes/{rule}/{subject}</c>), the RuleFired event and a Pending record per webhook commit in one
/// transaction compared on the episode's revision, so a pass repeated by a new leader finds the episode Firing and does
/// nothing. Webhooks are sent by the <see cref="WebhookDispatcher"/>, not here, so a slow receiver never holds up a pass.
/// </summary>
/// <remarks>
/// Deterministic: rules are taken in name order and subjects in ordinal order, from what the store holds and the clock
/// says; nothing depends on what an earlier pass of this process saw. A cordon is made before the commit that records
/// the firing: cordoning is idempotent, so a pass cut off between the two cordons again on the next pass rather than never.
/// </remarks>
public sealed class RuleEngine
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly NodeManager _nodes;
    private readonly TimeProvider _time;
    private readonly RuleEngineOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the engine; its writes go to <paramref name="store"/> (the leadership fence in a server).</summary>
    /// <param name="nodes">Cordons nodes for cordon actions.</param>
    public RuleEngine(IKeyValueStore store, EventLog events, NodeManager nodes, RuleEngineOptions? options = null, TimeProvider? time = null, ILogger<RuleEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(nodes);
        _store = store;
        _events = events;
        _nodes = nodes;
        _options = options ?? new RuleEngineOptions();
        _time = time ?? events.Time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Raised after a pass committed new webhook deliveries, so the dispatcher sends them without waiting for its next look.</summary>
    public event EventHandler? DeliveriesQueued;

    /// <summary>One pass over every rule; returns the episodes it fired, in rule then subject order.</summary>
    public async Task<IReadOnlyList<RuleFiring>> RunPassAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var rules = await RulesAsync(_store, cancellationToken).ConfigureAwait(false);
        var episodes = await EpisodesAsync(_store, cancellationToken).ConfigureAwait(false);
        var inputs = await ReadInputsAsync(rules, now, cancellationToken).ConfigureAwait(false);
        var fired = new List<RuleFiring>();
        bool queued = false;
        foreach (var rule in rules)
        {
            var holding = Evaluate(rule, inputs, now);
            var hold = rule.Condition.NodeMetric?.For ?? TimeSpan.Zero;
            var subjects = new SortedSet<string>(holding.Keys, StringComparer.Ordinal);
            foreach (var key in episodes.Keys)
            {
                if (key.Rule == rule.Name)
                {
                    subjects.Add(key.Subject);
                }
            }
            foreach (var subject in subjects)
            {
                episodes.TryGetValue((rule.Name, subject), out var existing);
                var current = existing.Key is null ? null : existing.Value;
                if (holding.TryGetValue(subject, out var seen))
                {
                    var started = current is null || current.State == RuleEpisodeState.Cleared
                        ? new RuleEpisode(rule.Name, subject, RuleEpisodeState.Pending, current?.Episodes ?? 0, now, current?.FiredAt, seen)
                        : current;
                    if (started.State == RuleEpisodeState.Firing)
                    {
                        continue;
                    }
                    if (now - started.Since >= hold)
                    {
                        var firing = await FireAsync(rule, existing, started with { Summary = seen }, now, cancellationToken).ConfigureAwait(false);
                        if (firing is not null)
                        {
                            fired.Add(firing);
                            queued |= rule.Actions.Any(a => a.Webhook is not null);
                        }
                    }
                    else if (!ReferenceEquals(started, current))
                    {
                        await WriteAsync(existing, started, cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (current is not null && current.State != RuleEpisodeState.Cleared)
                {
                    await WriteAsync(existing, current with { State = RuleEpisodeState.Cleared, Since = now }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        await ForgetDeletedRulesAsync(rules, episodes, cancellationToken).ConfigureAwait(false);
        await TrimDeliveriesAsync(cancellationToken).ConfigureAwait(false);
        if (queued)
        {
            DeliveriesQueued?.Invoke(this, EventArgs.Empty);
        }
        return fired;
    }

    /// <summary>Every stored rule, in name order.</summary>
    public static async Task<List<Stored<RuleSpec>>> StoredRulesAsync(IKeyValueStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var range = await store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(ObjectKinds.Rules)), cancellationToken: ct).ConfigureAwait(false);
        var rules = new List<Stored<RuleSpec>>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            if (KeyLayout.TryParseObject(kv.Key, out var kind, out _, out _) && kind == ObjectKinds.Rules)
            {
                rules.Add(new Stored<RuleSpec>(kv.Key, (RuleSpec)ObjectKinds.Rules.Deserialize(kv.Value.Span), kv.ModRevision));
            }
        }
        rules.Sort((a, b) => string.CompareOrdinal(a.Value.Name, b.Value.Name));
        return rules;
    }

    /// <summary>Every episode record, by rule and subject.</summary>
    public static async Task<Dictionary<(string Rule, string Subject), Stored<RuleEpisode>>> EpisodesAsync(IKeyValueStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var range = await store.RangeAsync(KeyRange.Prefix(KeyLayout.RuleEpisodesPrefix), cancellationToken: ct).ConfigureAwait(false);
        var episodes = new Dictionary<(string, string), Stored<RuleEpisode>>();
        foreach (var kv in range.Kvs)
        {
            if (KeyLayout.TryParseRuleEpisode(kv.Key, out var rule, out var subject))
            {
                episodes[(rule, subject)] = new Stored<RuleEpisode>(kv.Key, StateSerializer.Deserialize<RuleEpisode>(kv.Value.Span), kv.ModRevision);
            }
        }
        return episodes;
    }

    /// <summary>The stored bytes of an automation record.</summary>
    internal static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, StateSerializer.Options.GetTypeInfo(typeof(T)));

    private static async Task<List<RuleSpec>> RulesAsync(IKeyValueStore store, CancellationToken ct) =>
        [.. (await StoredRulesAsync(store, ct).ConfigureAwait(false)).Select(r => r.Value)];

    private sealed record Inputs(ClusterState? Cluster, IReadOnlyList<ClusterEvent> Events, FleetState? Fleet);

    // Reads only what some rule needs: the cluster for node metrics and per-node event counts, the events of the
    // longest window, the fleet for pool budgets.
    private async Task<Inputs> ReadInputsAsync(List<RuleSpec> rules, DateTimeOffset now, CancellationToken ct)
    {
        bool needsCluster = rules.Exists(r => r.Condition.NodeMetric is not null || r.Condition.Events?.Per == RuleSubjectKind.Node);
        bool needsFleet = rules.Exists(r => r.Condition.PoolBudget is not null);
        var window = TimeSpan.Zero;
        foreach (var rule in rules)
        {
            if (rule.Condition.Events is { } events && events.Within > window)
            {
                window = events.Within;
            }
        }
        var cluster = needsCluster ? await new ClusterStateReader(_store).ReadAsync(ct).ConfigureAwait(false) : null;
        var fleet = needsFleet ? await FleetState.ReadAsync(_store, ct).ConfigureAwait(false) : null;
        IReadOnlyList<ClusterEvent> recent = [];
        if (window > TimeSpan.Zero)
        {
            // Event keys start with their time in ticks, so the window is one range from its start to the prefix's end.
            var from = KeyLayout.EventsPrefix + (now - window).UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
            var range = await _store.RangeAsync(KeyRange.Between(from, KeyLayout.EventsPrefix[..^1] + "0"), cancellationToken: ct).ConfigureAwait(false);
            var list = new List<ClusterEvent>(range.Kvs.Count);
            foreach (var kv in range.Kvs)
            {
                list.Add(StateSerializer.Deserialize<ClusterEvent>(kv.Value.Span));
            }
            recent = list;
        }
        return new Inputs(cluster, recent, fleet);
    }

    private static SortedDictionary<string, string> Evaluate(RuleSpec rule, Inputs inputs, DateTimeOffset now)
    {
        var holding = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var condition = rule.Condition;
        if (condition.NodeMetric is { } metric && inputs.Cluster is { } cluster)
        {
            var snapshot = cluster.Snapshot;
            var column = metric.Metric == NodeMetric.Cpu ? snapshot.Cpu : snapshot.Memory;
            for (int i = 0; i < snapshot.NodeCount; i++)
            {
                long allocatable = column.Allocatable(i);
                if (allocatable <= 0)
                {
                    continue;
                }
                double share = 100.0 * column.Requested(i) / allocatable;
                if (share > metric.Above)
                {
                    holding[snapshot.Node(i).Name] = AutomationMessages.NodeMetricSeen(metric.Metric, share, metric.Above);
                }
            }
        }
        else if (condition.Events is { } events)
        {
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var from = now - events.Within;
            foreach (var e in inputs.Events)
            {
                if (e.Time <= from || e.Time > now || !events.Types.Contains(e.Type.ToString()) || SubjectOf(e.Subject, events.Per, inputs.Cluster) is not { } subject)
                {
                    continue;
                }
                counts[subject] = counts.GetValueOrDefault(subject) + 1;
            }
            foreach (var (subject, count) in counts)
            {
                if (count >= events.Count)
                {
                    holding[subject] = AutomationMessages.EventsSeen(count, events.Types, events.Within);
                }
            }
        }
        else if (condition.PoolBudget is { } budgetCondition && inputs.Fleet is { } fleet)
        {
            foreach (var pool in fleet.Pools)
            {
                if (pool.Budget is not { } budget || (budgetCondition.Pool is { } only && only != pool.Name))
                {
                    continue;
                }
                var usage = FleetPoolUsage.Of(pool, fleet.Clusters, fleet.ClassesByName, now);
                if (usage.PastAlertThreshold(pool))
                {
                    holding[pool.Name] = AutomationMessages.PoolBudgetSeen(usage.Projected30DayCost, budget.MaxMonthlyCost, budget.Currency, usage.BudgetUtilization, budget.AlertThreshold);
                }
            }
        }
        return holding;
    }

    // An event's subject is a workload (ns/name), a replica (ns/name/index) or a name (a node, a pool, ...).
    private static string? SubjectOf(string subject, RuleSubjectKind per, ClusterState? cluster)
    {
        var parts = subject.Split('/');
        return per switch
        {
            RuleSubjectKind.Workload when parts.Length is 2 or 3 => parts[0] + "/" + parts[1],
            RuleSubjectKind.Node when parts.Length == 1 && cluster is not null && cluster.Nodes.ContainsKey(subject) => subject,
            _ => null,
        };
    }

    private async Task<RuleFiring?> FireAsync(RuleSpec rule, Stored<RuleEpisode> existing, RuleEpisode started, DateTimeOffset now, CancellationToken ct)
    {
        var episode = started with { State = RuleEpisodeState.Firing, Episodes = started.Episodes + 1, FiredAt = now };
        if (rule.Actions.Any(a => a.Cordon is not null))
        {
            try
            {
                await _nodes.CordonAsync(episode.Subject, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // The firing is still recorded: the rule's other actions and its event say what happened.
                AutomationLog.CordonFailed(_logger, rule.Name, episode.Subject, e.Message);
            }
        }
        var compares = new List<Compare>();
        var operations = new List<TxnOp>();
        var key = KeyLayout.RuleEpisode(rule.Name, episode.Subject);
        compares.Add(existing.Key is null ? Compare.Missing(key) : Compare.ModRevision(key, CompareOp.Equal, existing.ModRevision));
        operations.Add(TxnOp.Put(key, Serialize(episode)));
        var eventAction = rule.Actions.Select(a => a.Event).FirstOrDefault(a => a is not null);
        var reason = eventAction?.Reason ?? AutomationMessages.DefaultReason;
        var text = eventAction?.Message is { } template ? AutomationMessages.EventText(template, rule.Name, episode.Subject, episode.Summary) : episode.Summary;
        _events.Append(compares, operations, new ClusterEvent(ClusterEventType.RuleFired, episode.Subject, AutomationMessages.Fired(rule.Name, episode.Subject, reason, text), now));
        var condition = AutomationMessages.Condition(rule.Condition) + ": " + episode.Summary;
        for (int i = 0; i < rule.Actions.Count; i++)
        {
            if (rule.Actions[i].Webhook is not { } webhook)
            {
                continue;
            }
            // Version 7 ids start with the time, so deliveries list in the order they were created.
            var id = Guid.CreateVersion7(now).ToString("N");
            var delivery = new WebhookDelivery(id, rule.Name, episode.Subject, episode.EpisodeId!, i, webhook.Url, now, condition,
                webhook.MaxAttempts, WebhookDeliveryState.Pending, now, []);
            var deliveryKey = KeyLayout.WebhookDelivery(id);
            compares.Add(Compare.Missing(deliveryKey));
            operations.Add(TxnOp.Put(deliveryKey, Serialize(delivery)));
        }
        var result = await _store.TxnAsync(compares, operations, [], ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Someone else moved the episode (only a second leader could); the next pass reads it again.
            return null;
        }
        AutomationLog.Fired(_logger, rule.Name, episode.Subject, episode.Episodes, episode.Summary);
        return new RuleFiring(rule.Name, episode.Subject, episode.Episodes, episode.Summary);
    }

    private async Task WriteAsync(Stored<RuleEpisode> existing, RuleEpisode episode, CancellationToken ct)
    {
        var key = KeyLayout.RuleEpisode(episode.Rule, episode.Subject);
        var compare = existing.Key is null ? Compare.Missing(key) : Compare.ModRevision(key, CompareOp.Equal, existing.ModRevision);
        await _store.TxnAsync([compare], [TxnOp.Put(key, Serialize(episode))], [], ct).ConfigureAwait(false);
    }

    private async Task ForgetDeletedRulesAsync(List<RuleSpec> rules, Dictionary<(string Rule, string Subject), Stored<RuleEpisode>> episodes, CancellationToken ct)
    {
        var names = new HashSet<string>(rules.Select(r => r.Name), StringComparer.Ordinal);
        foreach (var rule in episodes.Keys.Select(k => k.Rule).Distinct(StringComparer.Ordinal).Where(r => !names.Contains(r)).Order(StringComparer.Ordinal))
        {
            await _store.DeleteAsync(KeyRange.Prefix(KeyLayout.RuleEpisodesOf(rule)), ct).ConfigureAwait(false);
        }
    }

    private async Task TrimDeliveriesAsync(CancellationToken ct)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.WebhookDeliveriesPrefix), cancellationToken: ct).ConfigureAwait(false);
        int finished = 0;
        // Newest first: the oldest finished deliveries past the limit go; pending ones stay whatever their age.
        for (int i = range.Kvs.Count - 1; i >= 0; i--)
        {
            var kv = range.Kvs[i];
            if (StateSerializer.Deserialize<WebhookDelivery>(kv.Value.Span).State == WebhookDeliveryState.Pending)
            {
                continue;
            }
            if (++finished > _options.DeliveriesKept)
            {
                await _store.TxnAsync([Compare.ModRevision(kv.Key, CompareOp.Equal, kv.ModRevision)], [TxnOp.Delete(kv.Key)], [], ct).ConfigureAwait(false);
            }
        }
    }
}
