using System.Globalization;
using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Server.Automation;

/// <summary>The automation rules' user-visible messages: condition summaries, events, delivery errors, option errors.</summary>
public static class AutomationMessages
{
    /// <summary>The reason of a RuleFired event whose rule gives no event action.</summary>
    public const string DefaultReason = "RuleFired";

    /// <summary>A rule's condition in words, e.g. <c>node cpu above 90% for 5m</c>.</summary>
    public static string Condition(RuleCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.NodeMetric is { } metric)
        {
            var hold = metric.For > TimeSpan.Zero ? $" for {DurationReader.Format(metric.For)}" : "";
            return $"node {Metric(metric.Metric)} above {Percent(metric.Above)}{hold}";
        }
        if (condition.Events is { } events)
        {
            return $"{events.Count.ToString(CultureInfo.InvariantCulture)} or more {string.Join("/", events.Types)} events per {Per(events.Per)} within {DurationReader.Format(events.Within)}";
        }
        return condition.PoolBudget?.Pool is { } pool ? $"pool {pool} past its budget alert threshold" : "a pool past its budget alert threshold";
    }

    /// <summary>What a node metric condition saw on one node.</summary>
    public static string NodeMetricSeen(NodeMetric metric, double share, double above) =>
        $"{Metric(metric)} {Percent(share)} of allocatable requested, above {Percent(above)}";

    /// <summary>What an event count condition saw for one subject.</summary>
    public static string EventsSeen(int count, IReadOnlyList<string> types, TimeSpan within) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {string.Join("/", types)} events within {DurationReader.Format(within)}";

    /// <summary>What a pool budget condition saw for one pool.</summary>
    public static string PoolBudgetSeen(decimal projected, decimal budget, string currency, double utilization, double threshold) =>
        $"projected 30-day cost {Money(projected)} {currency} is {Percent(utilization * 100)} of the budget {Money(budget)} {currency} (alert at {Percent(threshold * 100)})";

    /// <summary>The message of a RuleFired event.</summary>
    public static string Fired(string rule, string subject, string reason, string text) => $"{reason}: rule {rule} fired for {subject}: {text}";

    /// <summary>An event action's message with its placeholders replaced.</summary>
    public static string EventText(string template, string rule, string subject, string seen) =>
        template.Replace("{rule}", rule, StringComparison.Ordinal).Replace("{subject}", subject, StringComparison.Ordinal).Replace("{condition}", seen, StringComparison.Ordinal);

    /// <summary>The message of a WebhookDeliveryFailed event.</summary>
    public static string DeliveryFailed(string id, string rule, string subject, string url, int attempts, string error) =>
        $"webhook delivery {id} of rule {rule} for {subject} to {url} failed after {attempts.ToString(CultureInfo.InvariantCulture)} attempt(s): {error}";

    /// <summary>An attempt answered with a status outside 2xx.</summary>
    public static string BadStatus(int status) => $"the receiver answered {status.ToString(CultureInfo.InvariantCulture)}; a delivery needs a 2xx answer";

    /// <summary>An attempt that got no answer in time.</summary>
    public static string TimedOut(TimeSpan timeout) => $"no answer within {DurationReader.Format(timeout)} (the webhook's timeout)";

    /// <summary>An attempt that could not connect or send.</summary>
    public static string SendFailed(string problem) => $"could not send: {problem}";

    /// <summary>A delivery whose rule, or whose webhook action, is gone.</summary>
    public static string RuleGone(string rule, int action) =>
        $"rule {rule} was deleted or no longer has a webhook as action {action.ToString(CultureInfo.InvariantCulture)}; nothing more is tried";

    /// <summary>A webhook whose secret's environment variable is not set on the leader.</summary>
    public static string SecretEnvMissing(string variable) =>
        $"environment variable {variable} (the webhook's secretEnv) is not set on this server; set it on every server, since any may lead";

    /// <summary>A timing option at or below zero.</summary>
    public static string NotPositive(string key, TimeSpan value) => $"{key} is {value}; give a duration above zero";

    /// <summary>A count option below one.</summary>
    public static string AtLeastOne(string key, int value) => $"{key} is {value.ToString(CultureInfo.InvariantCulture)}; give 1 or more";

    /// <summary>A longest retry wait shorter than the first.</summary>
    public static string RetryMaxBelowBase(string section, TimeSpan max, TimeSpan @base) =>
        $"{section}:RetryMax ({max}) is below {section}:RetryBase ({@base}); the longest wait cannot be shorter than the first";

    /// <summary>No rule of that name (GET /v1/rules/{name}).</summary>
    public static string RuleNotFound(string name) => $"rule '{name}' not found; `berth get rules` lists them";

    private static string Metric(NodeMetric metric) => metric == NodeMetric.Cpu ? "cpu" : "memory";

    private static string Per(RuleSubjectKind kind) => kind switch
    {
        RuleSubjectKind.Node => "node",
        RuleSubjectKind.Pool => "pool",
        _ => "workload",
    };

    private static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
