using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Automation;

/// <summary>Reads rules with their episodes, and webhook deliveries, for the API.</summary>
public sealed class RuleQueries(IKeyValueStore store)
{
    /// <summary>Every rule with where it stands, in name order.</summary>
    public async Task<RuleView[]> RulesAsync(CancellationToken cancellationToken = default)
    {
        var rules = await RuleEngine.StoredRulesAsync(store, cancellationToken).ConfigureAwait(false);
        var episodes = await RuleEngine.EpisodesAsync(store, cancellationToken).ConfigureAwait(false);
        var views = new RuleView[rules.Count];
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i].Value;
            var subjects = episodes.Where(e => e.Key.Rule == rule.Name).Select(e => e.Value.Value).OrderBy(e => e.Subject, StringComparer.Ordinal).ToList();
            var last = subjects.Where(s => s.FiredAt is not null).MaxBy(s => s.FiredAt);
            views[i] = new RuleView(rule.Name, rules[i].ModRevision, rule.WithoutSecrets(), AutomationMessages.Condition(rule.Condition),
                subjects.Exists(s => s.State == RuleEpisodeState.Firing), subjects.Sum(s => s.Episodes), last?.FiredAt, last?.Subject, subjects);
        }
        return views;
    }

    /// <summary>One rule with where it stands; null when there is no such rule.</summary>
    public async Task<RuleView?> RuleAsync(string name, CancellationToken cancellationToken = default) =>
        (await RulesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Name == name);

    /// <summary>Webhook deliveries, newest first; only <paramref name="rule"/>'s when given.</summary>
    public async Task<WebhookDelivery[]> DeliveriesAsync(string? rule = null, CancellationToken cancellationToken = default)
    {
        var range = await store.RangeAsync(KeyRange.Prefix(KeyLayout.WebhookDeliveriesPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        var deliveries = new List<WebhookDelivery>(range.Kvs.Count);
        for (int i = range.Kvs.Count - 1; i >= 0; i--)
        {
            var delivery = StateSerializer.Deserialize<WebhookDelivery>(range.Kvs[i].Value.Span);
            if (rule is null || delivery.Rule == rule)
            {
                deliveries.Add(delivery);
            }
        }
        return [.. deliveries];
    }
}
