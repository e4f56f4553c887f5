using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

public class RuleManifestReaderTests
{
    private static readonly string[] EventTypes = ["RetryTriggered", "WorkloadFailed", "NodeNotReady"];

    private static ManifestDocument Document(string spec) =>
        Assert.Single(ManifestDocumentReader.ReadAll($"apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {{name: r}}\n{spec}"));

    private static RuleSpec Read(string spec) => RuleManifestReader.Read(Document(spec), EventTypes);

    [Fact]
    public void Read_HotNodeExample_ReadsEveryField()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("rules", "hot-node.yaml")));

        var rule = RuleManifestReader.Read(document, EventTypes);

        Assert.Equal("hot-node", rule.Name);
        Assert.Equal(new NodeMetricCondition(NodeMetric.Cpu, 90, TimeSpan.FromMinutes(5)), rule.Condition.NodeMetric);
        Assert.Equal(RuleSubjectKind.Node, rule.Condition.SubjectKind);
        Assert.Equal(3, rule.Actions.Count);
        Assert.Equal(new EventAction("NodeHot", "node {subject} is hot: {condition}"), rule.Actions[0].Event);
        Assert.NotNull(rule.Actions[1].Cordon);
        Assert.Equal(new WebhookAction("http://127.0.0.1:9000/hook", null, "BERTH_HOOK_SECRET", 5, WebhookAction.DefaultTimeout), rule.Actions[2].Webhook);
    }

    [Theory]
    [InlineData("crash-loop.yaml")]
    [InlineData("pool-budget.yaml")]
    public void Read_Examples_AreValid(string file)
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("rules", file)));

        var rule = RuleManifestReader.Read(document, EventTypes);

        Assert.NotEmpty(rule.Actions);
    }

    [Fact]
    public void Read_EventsCondition_TakesOneTypeOrAListAndDefaultsPerWorkload()
    {
        var rule = Read("spec: {condition: {events: {type: RetryTriggered, count: 3, within: 10m}}, actions: [{event: {reason: CrashLoop}}]}");

        Assert.Equal(new EventCountCondition(["RetryTriggered"], 3, TimeSpan.FromMinutes(10), RuleSubjectKind.Workload) with { Types = rule.Condition.Events!.Types }, rule.Condition.Events);
        Assert.Equal(["RetryTriggered"], rule.Condition.Events.Types);
    }

    [Fact]
    public void Read_PoolBudgetWithoutPool_WatchesEveryPool()
    {
        var rule = Read("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'https://hooks.example/b', secret: s}}]}");

        Assert.Equal(new PoolBudgetCondition(null), rule.Condition.PoolBudget);
        Assert.Equal(RuleSubjectKind.Pool, rule.Condition.SubjectKind);
    }

    [Fact]
    public void WithoutSecrets_HidesInlineSecretsOnly()
    {
        var rule = Read("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'http://a/h', secret: s3cret}}, {webhook: {url: 'http://b/h', secretEnv: HOOK}}]}");

        var shown = rule.WithoutSecrets();

        Assert.Equal(RuleSpec.HiddenSecret, shown.Actions[0].Webhook!.Secret);
        Assert.Equal("HOOK", shown.Actions[1].Webhook!.SecretEnv);
        Assert.Equal("s3cret", rule.Actions[0].Webhook!.Secret);
    }

    [Theory]
    [InlineData("spec: {condition: {}, actions: [{cordon: {}}]}", "spec.condition: gives no condition; give exactly one of nodeMetric, events, poolBudget")]
    [InlineData("spec: {condition: {nodeMetric: {metric: cpu, above: 90}, poolBudget: {}}, actions: [{cordon: {}}]}",
        "spec.condition: gives nodeMetric and poolBudget; give exactly one condition (write a second rule for another)")]
    [InlineData("spec: {condition: {cpu: 90}, actions: [{cordon: {}}]}", "spec.condition.cpu: unknown condition; use one of nodeMetric, events, poolBudget")]
    [InlineData("spec: {condition: {nodeMetric: {metric: disk, above: 90}}, actions: [{cordon: {}}]}",
        "spec.condition.nodeMetric.metric: 'disk' is not a node metric; use cpu or memory (the share of the node's allocatable that its replicas request)")]
    [InlineData("spec: {condition: {nodeMetric: {metric: cpu, above: 0.9}}, actions: [{cordon: {}}], extra: 1}", "spec.extra: unknown field")]
    [InlineData("spec: {condition: {nodeMetric: {metric: cpu, above: 150}}, actions: [{cordon: {}}]}",
        "spec.condition.nodeMetric.above: '150' is not a percentage from 0 to 100 (below 100, since the share can never be above it); write 90% as 90")]
    [InlineData("spec: {condition: {nodeMetric: {metric: cpu, above: 90, for: 5 min}}, actions: [{cordon: {}}]}",
        "spec.condition.nodeMetric.for: '5 min' is not a duration; write a number and a unit (ms, s, m, h), e.g. 30s, 5m or 1h30m")]
    [InlineData("spec: {condition: {events: {type: ReplicaFailed, within: 10m}}, actions: [{event: {reason: X}}]}",
        "spec.condition.events.type: 'ReplicaFailed' is not an event type; use one of RetryTriggered, WorkloadFailed, NodeNotReady")]
    [InlineData("spec: {condition: {events: {type: RetryTriggered, count: 0, within: 10m}}, actions: [{event: {reason: X}}]}",
        "spec.condition.events.count: 0 is below 1; give 1 or more")]
    [InlineData("spec: {condition: {events: {type: RetryTriggered}}, actions: [{event: {reason: X}}]}", "spec.condition.events.within: required field is missing")]
    [InlineData("spec: {condition: {events: {type: RetryTriggered, within: 2d}}, actions: [{event: {reason: X}}]}",
        "spec.condition.events.within: '2d' is not a duration; write a number and a unit (ms, s, m, h), e.g. 30s, 5m or 1h30m")]
    [InlineData("spec: {condition: {events: {type: RetryTriggered, within: 25h}}, actions: [{event: {reason: X}}]}",
        "spec.condition.events.within: '25h' is longer than 24h; give a shorter window")]
    [InlineData("spec: {condition: {events: {type: RetryTriggered, within: 1m, per: pool}}, actions: [{event: {reason: X}}]}",
        "spec.condition.events.per: 'pool' is not a subject to count events per; use workload (a replica's events count for its workload) or node")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: []}",
        "spec.actions: lists no action; give at least one of event, cordon or webhook, e.g. [{event: {reason: NodeHot}}]")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{cordon: {}}]}",
        "spec.actions[0].cordon: cordons the node a rule fires for, but this condition is about pools; use it with nodeMetric or with events per: node")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{event: {reason: A}, cordon: {}}]}",
        "spec.actions[0]: gives event and cordon; give exactly one action (write a second rule for another)")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{event: {reason: A}}, {event: {reason: B}}]}",
        "spec.actions[1]: a rule appends one event when it fires, so it may give one event action; merge the two")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{event: {reason: 'not ok'}}]}",
        "spec.actions[0].event.reason: 'not ok' is not a reason; write one word of letters and digits (at most 64), e.g. NodeHot")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'http://a/h'}}]}",
        "spec.actions[0].webhook: gives no secret; webhooks are signed, so give secret (the key itself) or secretEnv (the server's environment variable holding it)")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'http://a/h', secret: s, secretEnv: S}}]}",
        "spec.actions[0].webhook: gives both secret and secretEnv; give one")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'ftp://a/h', secret: s}}]}",
        "spec.actions[0].webhook.url: 'ftp://a/h' is not an absolute http or https URL without credentials, e.g. http://127.0.0.1:9000/hook")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'http://a/h', secret: s, maxAttempts: 50}}]}",
        "spec.actions[0].webhook.maxAttempts: 50 is above 20; give 20 or fewer")]
    [InlineData("spec: {condition: {poolBudget: {}}, actions: [{webhook: {url: 'http://a/h', secretEnv: '1X'}}]}",
        "spec.actions[0].webhook.secretEnv: '1X' is not an environment variable name; use letters, digits and '_', e.g. BERTH_HOOK_SECRET")]
    public void Read_BadSpec_FailsNamingTheField(string spec, string message)
    {
        var error = Assert.Throws<ManifestException>(() => Read(spec));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1500ms", 1.5)]
    public void DurationParse_GoStyle_ReadsSeconds(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationReader.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m5")]
    [InlineData("-5m")]
    [InlineData("5M")]
    public void DurationParse_NotADuration_IsNull(string text)
    {
        Assert.Null(DurationReader.Parse(text));
    }

    [Fact]
    public void DurationFormat_RoundTrips()
    {
        Assert.Equal("1h30m", DurationReader.Format(TimeSpan.FromMinutes(90)));
        Assert.Equal(TimeSpan.FromMinutes(90), DurationReader.Parse(DurationReader.Format(TimeSpan.FromMinutes(90))));
    }
}
