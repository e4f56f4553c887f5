using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a <c>Rule</c> manifest's spec into a <see cref="RuleSpec"/> (docs/automation.md).</summary>
public static class RuleManifestReader
{
    /// <summary>The manifest kind.</summary>
    public const string Kind = "Rule";

    /// <summary>The longest window or hold time a condition may give: a day (events are kept no longer than the log keeps them).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>The longest webhook timeout: a minute.</summary>
    public static readonly TimeSpan MaxWebhookTimeout = TimeSpan.FromMinutes(1);

    private const string Example = "{condition: {nodeMetric: {metric: cpu, above: 90, for: 5m}}, actions: [{cordon: {}}]}";

    /// <summary>Reads a Rule document, accepting any event type name that is a plain word.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static RuleSpec Read(ManifestDocument document) => Read(document, null);

    /// <summary>Reads a Rule document whose event conditions may name only <paramref name="eventTypes"/> (null: any plain word).</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static RuleSpec Read(ManifestDocument document, IReadOnlyCollection<string>? eventTypes)
    {
        var spec = FleetFieldReader.SpecOf(document, Kind, Example);
        spec.ExpectFields("condition", "actions");
        var condition = ReadCondition(spec.RequiredField("condition"), eventTypes);
        var actionsNode = spec.RequiredField("actions");
        var items = actionsNode.Items();
        if (items.Count == 0)
        {
            actionsNode.Fail("lists no action; give at least one of event, cordon or webhook, e.g. [{event: {reason: NodeHot}}]");
        }
        var actions = new List<RuleAction>(items.Count);
        bool hasEvent = false;
        foreach (var item in items)
        {
            var action = ReadAction(item, condition);
            if (action.Event is not null)
            {
                if (hasEvent)
                {
                    item.Fail("a rule appends one event when it fires, so it may give one event action; merge the two");
                }
                hasEvent = true;
            }
            actions.Add(action);
        }
        return new RuleSpec(document.Name, condition, actions);
    }

    private static (string Key, ManifestNode Value) OnlyOne(ManifestNode node, string what, string[] kinds)
    {
        if (!node.IsMapping)
        {
            node.Fail($"expected a mapping with exactly one of {string.Join(", ", kinds)}");
        }
        var entries = node.Entries();
        foreach (var (key, value) in entries)
        {
            if (Array.IndexOf(kinds, key) < 0)
            {
                value.Fail($"unknown {what}; use one of {string.Join(", ", kinds)}");
            }
        }
        if (entries.Count != 1)
        {
            node.Fail(entries.Count == 0
                ? $"gives no {what}; give exactly one of {string.Join(", ", kinds)}"
                : $"gives {string.Join(" and ", entries.Select(e => e.Key))}; give exactly one {what} (write a second rule for another)");
        }
        return (entries[0].Key, entries[0].Value);
    }

    private static RuleCondition ReadCondition(ManifestNode node, IReadOnlyCollection<string>? eventTypes)
    {
        var (key, value) = OnlyOne(node, "condition", ["nodeMetric", "events", "poolBudget"]);
        return key switch
        {
            "nodeMetric" => new RuleCondition(NodeMetric: ReadNodeMetric(value)),
            "events" => new RuleCondition(Events: ReadEvents(value, eventTypes)),
            _ => new RuleCondition(PoolBudget: ReadPoolBudget(value)),
        };
    }

    private static NodeMetricCondition ReadNodeMetric(ManifestNode node)
    {
        node.ExpectFields("metric", "above", "for");
        var metricNode = node.RequiredField("metric");
        var metric = metricNode.AsString() switch
        {
            "cpu" => NodeMetric.Cpu,
            "memory" => NodeMetric.Memory,
            var other => throw metricNode.Error($"'{other}' is not a node metric; use cpu or memory (the share of the node's allocatable that its replicas request)"),
        };
        var aboveNode = node.RequiredField("above");
        double above = aboveNode.AsDouble();
        if (above is < 0 or >= 100)
        {
            aboveNode.Fail($"'{aboveNode.AsString()}' is not a percentage from 0 to 100 (below 100, since the share can never be above it); write 90% as 90");
        }
        var hold = node.Field("for") is { } forNode ? Window(forNode, allowZero: true) : TimeSpan.Zero;
        return new NodeMetricCondition(metric, above, hold);
    }

    private static EventCountCondition ReadEvents(ManifestNode node, IReadOnlyCollection<string>? eventTypes)
    {
        node.ExpectFields("type", "count", "within", "per");
        var typeNode = node.RequiredField("type");
        var typeItems = typeNode.IsSequence ? typeNode.Items() : [typeNode];
        if (typeItems.Count == 0)
        {
            typeNode.Fail("lists no event type; name at least one, e.g. RetryTriggered");
        }
        var types = new List<string>(typeItems.Count);
        foreach (var item in typeItems)
        {
            var type = item.AsString();
            if (eventTypes is not null ? !eventTypes.Contains(type) : type.Length == 0 || !type.All(char.IsAsciiLetterOrDigit))
            {
                item.Fail(eventTypes is null
                    ? $"'{type}' is not an event type name"
                    : $"'{type}' is not an event type; use one of {string.Join(", ", eventTypes)}");
            }
            if (types.Contains(type))
            {
                item.Fail($"'{type}' is listed twice");
            }
            types.Add(type);
        }
        int count = node.Field("count") is { } countNode ? FleetFieldReader.AtLeast(countNode, 1) : 1;
        var within = Window(node.RequiredField("within"), allowZero: false);
        var per = RuleSubjectKind.Workload;
        if (node.Field("per") is { } perNode)
        {
            per = perNode.AsString() switch
            {
                "workload" => RuleSubjectKind.Workload,
                "node" => RuleSubjectKind.Node,
                var other => throw perNode.Error($"'{other}' is not a subject to count events per; use workload (a replica's events count for its workload) or node"),
            };
        }
        return new EventCountCondition(types, count, within, per);
    }

    private static PoolBudgetCondition ReadPoolBudget(ManifestNode node)
    {
        node.ExpectFields("pool");
        return new PoolBudgetCondition(node.Field("pool")?.AsDnsLabel());
    }

    private static TimeSpan Window(ManifestNode node, bool allowZero)
    {
        var window = DurationReader.Read(node);
        if (window == TimeSpan.Zero && !allowZero)
        {
            node.Fail($"'{node.AsString()}' is no window; give one above zero, e.g. 10m");
        }
        if (window > MaxWindow)
        {
            node.Fail($"'{node.AsString()}' is longer than {DurationReader.Format(MaxWindow)}; give a shorter window");
        }
        return window;
    }

    private static RuleAction ReadAction(ManifestNode node, RuleCondition condition)
    {
        var (key, value) = OnlyOne(node, "action", ["event", "cordon", "webhook"]);
        switch (key)
        {
            case "event":
                value.ExpectFields("reason", "message");
                var reasonNode = value.RequiredField("reason");
                var reason = reasonNode.AsString();
                if (reason.Length is 0 or > 64 || !char.IsAsciiLetter(reason[0]) || !reason.All(char.IsAsciiLetterOrDigit))
                {
                    reasonNode.Fail($"'{reason}' is not a reason; write one word of letters and digits (at most 64), e.g. NodeHot");
                }
                return new RuleAction(Event: new EventAction(reason, value.Field("message")?.AsString()));
            case "cordon":
                value.ExpectFields();
                if (condition.SubjectKind != RuleSubjectKind.Node)
                {
                    value.Fail(
                        $"cordons the node a rule fires for, but this condition is about {(condition.SubjectKind == RuleSubjectKind.Pool ? "pools" : "workloads")}; use it with nodeMetric or with events per: node");
                }
                return new RuleAction(Cordon: new CordonAction());
            default:
                return new RuleAction(Webhook: ReadWebhook(value));
        }
    }

    private static WebhookAction ReadWebhook(ManifestNode node)
    {
        node.ExpectFields("url", "secret", "secretEnv", "maxAttempts", "timeout");
        var urlNode = node.RequiredField("url");
        var url = urlNode.AsString();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0)
        {
            urlNode.Fail($"'{url}' is not an absolute http or https URL without credentials, e.g. http://127.0.0.1:9000/hook");
        }
        var secret = node.Field("secret")?.AsString();
        var secretEnvNode = node.Field("secretEnv");
        var secretEnv = secretEnvNode?.AsString();
        if ((secret is null) == (secretEnv is null))
        {
            node.Fail(secret is null
                ? "gives no secret; webhooks are signed, so give secret (the key itself) or secretEnv (the server's environment variable holding it)"
                : "gives both secret and secretEnv; give one");
        }
        if (secret is { Length: 0 })
        {
            node.RequiredField("secret").Fail("is empty; give a key, e.g. 32 random characters");
        }
        if (secretEnv is not null && (secretEnv.Length == 0 || !secretEnv.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(secretEnv[0])))
        {
            secretEnvNode!.Fail($"'{secretEnv}' is not an environment variable name; use letters, digits and '_', e.g. BERTH_HOOK_SECRET");
        }
        int maxAttempts = WebhookAction.DefaultMaxAttempts;
        if (node.Field("maxAttempts") is { } attemptsNode)
        {
            maxAttempts = FleetFieldReader.AtLeast(attemptsNode, 1);
            if (maxAttempts > WebhookAction.MaxMaxAttempts)
            {
                attemptsNode.Fail($"{maxAttempts} is above {WebhookAction.MaxMaxAttempts}; give {WebhookAction.MaxMaxAttempts} or fewer");
            }
        }
        var timeout = WebhookAction.DefaultTimeout;
        if (node.Field("timeout") is { } timeoutNode)
        {
            timeout = DurationReader.Read(timeoutNode);
            if (timeout <= TimeSpan.Zero || timeout > MaxWebhookTimeout)
            {
                timeoutNode.Fail($"'{timeoutNode.AsString()}' is out of range; give a timeout above zero and at most {DurationReader.Format(MaxWebhookTimeout)}");
            }
        }
        return new WebhookAction(url, secret, secretEnv, maxAttempts, timeout);
    }
}
