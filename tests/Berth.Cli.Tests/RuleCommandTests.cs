using System.Collections.Concurrent;
using System.Net;
using Berth.Cli.Tests.Fixtures;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Automation;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>
/// A Rule applied with <c>berth apply -f</c> against a real server on 127.0.0.1:0: it fires on a hot node, cordons it,
/// calls a webhook that fails once, and <c>get rules</c>, <c>describe rule</c> and <c>get webhookdeliveries</c> show it.
/// </summary>
public sealed class RuleCommandTests : RunningServerCliTests
{
    private const string Secret = "cli-test-secret-value";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    protected override ServerOptions Options(ServerOptions defaults) => defaults with
    {
        LoopInterval = TimeSpan.FromMilliseconds(100),
        Rules = new RuleEngineOptions { Interval = TimeSpan.FromMilliseconds(100), RetryBase = TimeSpan.FromMilliseconds(20), RetryMax = TimeSpan.FromMilliseconds(100) },
    };

    private string Until(Func<(int Code, string Out, string Err)> run, Func<string, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var (code, output, error) = run();
            Assert.True(code == 0, error);
            if (done(output))
            {
                return output;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; last output:\n{output}");
            Thread.Sleep(50);
        }
    }

    [Fact]
    public async Task ApplyRule_HotNode_FiresOnceCordonsAndDeliversTheSignedWebhook()
    {
        var calls = new ConcurrentQueue<(byte[] Body, string? Signature)>();
        var (receiver, url) = await StartReceiverAsync(calls, failures: 1);
        await using var _ = receiver;
        await Host.Nodes.RegisterAsync(new NodeSpec("hot-1", new Dictionary<string, string>(), [], ResourceList.Parse(("cpu", "1"), ("memory", "4Gi"), ("pods", "10"))));
        var manifest = Path.Combine(Dir, "rule.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            apiVersion: berth.dev/v1
            kind: Rule
            metadata: {"{"}name: hot-node{"}"}
            spec:
              condition:
                nodeMetric: {"{"}metric: cpu, above: 90{"}"}
              actions:
                - event: {"{"}reason: NodeHot{"}"}
                - cordon: {"{"}{"}"}
                - webhook: {"{"}url: '{url}', secret: {Secret}, maxAttempts: 4{"}"}
            ---
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {"{"}name: busy{"}"}
            spec:
              replicas: 1
              containers:
                - name: main
                  command: [sleep, "60"]
                  resources: {"{"}requests: {"{"}cpu: 950m, memory: 64Mi{"}"}{"}"}

            """);

        var apply = Cli("apply", "-f", manifest);
        Assert.True(apply.Code == 0, apply.Err);

        var deliveries = Until(() => Cli("get", "webhookdeliveries"), o => o.Contains("Succeeded", StringComparison.Ordinal), "the delivery to succeed");
        var rules = Cli("get", "rules");
        var yaml = Cli("get", "rules", "-o", "yaml");
        var objects = Cli("get", "rules", "-o", "json");
        var describe = Cli("describe", "rule", "hot-node");
        var nodes = Cli("get", "nodes");
        var events = Cli("get", "events");

        var row = deliveries.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["hot-node", "hot-1", "Succeeded", "2/4", "200"], row[1..6]);
        Assert.Equal(["NAME", "CONDITION", "FIRING", "EPISODES", "LAST", "FIRED"], rules.Out.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("node cpu above 90%", rules.Out, StringComparison.Ordinal);
        Assert.Contains("yes (1)", rules.Out, StringComparison.Ordinal);
        Assert.Contains("hot-1", describe.Out, StringComparison.Ordinal);
        Assert.Contains("Firing", describe.Out, StringComparison.Ordinal);
        Assert.Contains("secret hidden", describe.Out, StringComparison.Ordinal);
        Assert.Contains("cpu 95% of allocatable requested", describe.Out, StringComparison.Ordinal);
        foreach (var output in new[] { rules.Out, yaml.Out, objects.Out, describe.Out, deliveries })
        {
            Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        }
        Assert.Contains(RuleSpec.HiddenSecret, yaml.Out, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            // The generic object listing (and the gRPC ListObjects behind the same operation) hides it too.
            var stored = await http.GetStringAsync(new Uri(Host.Address, "v1/objects/rules"));
            Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
            Assert.Contains(RuleSpec.HiddenSecret, stored, StringComparison.Ordinal);
        }
        Assert.Contains("hot-1", nodes.Out.Split('\n').Single(l => l.StartsWith("hot-1", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("False", nodes.Out.Split('\n').Single(l => l.StartsWith("hot-1", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.Single(events.Out.Split('\n'), l => l.Contains("RuleFired", StringComparison.Ordinal) && l.Contains("NodeHot: rule hot-node fired for hot-1", StringComparison.Ordinal));
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.True(WebhookSignature.Verify(Secret, c.Body, c.Signature)));

        // The episode goes on while the node stays hot: more passes fire nothing more.
        Assert.Empty(await Host.Rules.RunPassAsync());
        Assert.Empty(await Host.Rules.RunPassAsync());
        Assert.Single(Cli("get", "events").Out.Split('\n'), l => l.Contains("RuleFired", StringComparison.Ordinal));
        Assert.Contains("\"episodes\": 1", Cli("get", "rules", "-o", "json").Out, StringComparison.Ordinal);

        var delete = Cli("delete", "rule", "hot-node");
        Assert.True(delete.Code == 0, delete.Err);
        Assert.Single(Cli("get", "rules").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await Host.Rules.RunPassAsync();
        Assert.Empty((await Host.Store.RangeAsync(Berth.Store.KeyRange.Prefix(Berth.Server.State.KeyLayout.RuleEpisodesPrefix))).Kvs);
    }

    [Fact]
    public void ApplyRule_BadCondition_IsRefusedNamingTheField()
    {
        var manifest = Path.Combine(Dir, "bad.yaml");
        File.WriteAllText(manifest, "apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {name: bad}\nspec: {condition: {events: {type: ReplicaFailed, within: 10m}}, actions: [{event: {reason: X}}]}\n");

        var apply = Cli("apply", "-f", manifest);

        Assert.NotEqual(0, apply.Code);
        Assert.Contains("spec.condition.events.type: 'ReplicaFailed' is not an event type; use one of", apply.Err, StringComparison.Ordinal);
        Assert.Contains("RetryTriggered", apply.Err, StringComparison.Ordinal);
    }

    private static async Task<(WebApplication App, Uri Url)> StartReceiverAsync(ConcurrentQueue<(byte[] Body, string? Signature)> calls, int failures)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        int count = 0;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            calls.Enqueue((body.ToArray(), request.Headers[WebhookSignature.Header].ToString()));
            return Results.StatusCode(Interlocked.Increment(ref count) <= failures ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(new Uri(address), "/hook"));
    }
}
