using System.Text.Json;
using Berth.Cli.Commands.Client;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>scale, stop, start, node cordon|uncordon|drain and plan run in-process against a real server on 127.0.0.1:0.</summary>
public sealed class OperatorCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("berth-ops-").FullName;
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    private static string Manifest(string name, string replicas = "1", string cpu = "100m") => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: {{{cpu}}}, memory: 64Mi}}
        """;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), LoopInterval = TimeSpan.FromMilliseconds(200) },
            logging => logging.ClearProviders());
        await RegisterAsync("node-1");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private Task RegisterAsync(string name) => Host.Nodes.RegisterAsync(
        new NodeSpec(name, new Dictionary<string, string>(), [], ResourceList.Parse(("cpu", "4"), ("memory", "8Gi"), ("pods", "110"))));

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run([.. args, "--server", Host.Address.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private JsonElement[] Replicas() => [.. JsonDocument.Parse(Cli("get", "replicas", "-o", "json").Out).RootElement.EnumerateArray().Select(r => r.GetProperty("assignment").Clone())];

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Scale_Workload_PrintsAndServerPlacesTheNewCount()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web")));

        var scaled = Cli("scale", "workload", "web", "--replicas", "3");
        var again = Cli("scale", "workload", "default/web", "-r", "3");

        Assert.Equal((0, "workload default/web scaled to 3 replica(s)"), (scaled.Code, scaled.Out.Trim()));
        Assert.Equal((0, "workload default/web unchanged: already 3 replica(s)"), (again.Code, again.Out.Trim()));
        await WaitUntilAsync(() => Replicas().Length == 3, "three replicas");
    }

    [Fact]
    public void Scale_OutsideDeclaredRange_ExitsTwoWithServersMessage()
    {
        Cli("apply", "-f", Write("fleet.yaml", Manifest("fleet", replicas: "{min: 1, max: 2}")));

        var (code, _, err) = Cli("scale", "workload", "fleet", "--replicas", "5");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("replicas is 5", err, StringComparison.Ordinal);
        Assert.Contains("from 1 to 2", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_UnknownWorkload_ExitsTwoNotFound()
    {
        var (code, _, err) = Cli("scale", "workload", "ghost", "--replicas", "1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("workload default/ghost not found", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopThenStart_StopsReplicasThenRunsThemAgain()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web", replicas: "2")));
        await WaitUntilAsync(() => Replicas().Length == 2, "two replicas");

        var stopped = Cli("stop", "workload", "web");
        await WaitUntilAsync(() => Replicas().All(r => r.GetProperty("state").GetString() == "Stopped"), "replicas stopped");
        var table = Cli("get", "workloads").Out;
        var started = Cli("start", "workload", "web");
        var startedAgain = Cli("start", "workload", "web");

        Assert.Equal((0, "workload default/web stopped"), (stopped.Code, stopped.Out.Trim()));
        Assert.Matches(@"default\s+web\s+2\s+Stopped", table);
        Assert.Equal((0, "workload default/web started with 2 replica(s)"), (started.Code, started.Out.Trim()));
        Assert.Equal("workload default/web unchanged: already running", startedAgain.Out.Trim());
        await WaitUntilAsync(() => Replicas().All(r => r.GetProperty("state").GetString() != "Stopped"), "replicas placed again");
    }

    [Fact]
    public void CordonUncordon_ShowInGetNodes()
    {
        var cordoned = Cli("node", "cordon", "node-1");
        var whileCordoned = Cli("get", "nodes").Out;
        var uncordoned = Cli("node", "uncordon", "node-1");
        var after = Cli("get", "nodes").Out;
        var missing = Cli("node", "cordon", "ghost");

        Assert.Equal((0, "node node-1 cordoned"), (cordoned.Code, cordoned.Out.Trim()));
        Assert.Matches(@"node-1\s+True\s+False", whileCordoned);
        Assert.Equal((0, "node node-1 uncordoned"), (uncordoned.Code, uncordoned.Out.Trim()));
        Assert.Matches(@"node-1\s+True\s+True", after);
        Assert.Equal(Program.UsageError, missing.Code);
        Assert.Contains("node ghost not found", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_RepeatsUntilEveryReplicaMovedAndPrintsProgress()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web", replicas: "2") + "\n---\n" + Manifest("api")));
        await WaitUntilAsync(() => Replicas().Length == 3, "three replicas on node-1");
        await RegisterAsync("node-2");

        var (code, output, err) = Cli("node", "drain", "node-1");

        Assert.True(code == 0, err);
        var lines = output.Trim().Split('\n');
        Assert.Equal("node node-1 cordoned", lines[0]);
        Assert.Equal("node node-1 drained", lines[^1]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("replica ", StringComparison.Ordinal) && l.Contains(" released", StringComparison.Ordinal)));
        await WaitUntilAsync(() => Replicas() is { Length: 3 } r && r.All(x => x.GetProperty("node").GetString() == "node-2"), "replicas on node-2");
    }

    [Fact]
    public async Task Drain_NowhereToGo_TimesOutExitOneNamingWhatIsLeft()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web", replicas: "2")));
        await WaitUntilAsync(() => Replicas().Length == 2, "two replicas");

        // Long enough for several steps on a loaded machine: the first step only releases, later ones find web blocked.
        var (code, output, err) = Cli("node", "drain", "node-1", "--timeout", "3s");

        Assert.True(code == ClientMessages.ServerFailure, output + err);
        Assert.Contains("replica default/web/0 released", output, StringComparison.Ordinal);
        Assert.Contains("waiting for released replicas to be placed before releasing default/web/1", output, StringComparison.Ordinal);
        Assert.StartsWith("error: node node-1 still holds 1 replica(s) after 3s: default/web/1", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TableAndJson_ShowChangesAndPlacementsAndChangeNothing()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web")));
        var path = Write("plan.yaml", Manifest("web", replicas: "2") + "\n---\n" + Manifest("huge", cpu: "64"));
        var before = Cli("get", "workloads", "-o", "json").Out;

        var table = Cli("plan", "-f", path);
        var json = Cli("plan", "-f", path, "-o", "json");

        Assert.Equal(0, table.Code);
        Assert.Contains("workload default/web updated (replicas)", table.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  1\s+place\s+node-1", table.Out);
        Assert.Contains("workload default/huge created", table.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  0\s+unschedulable\s+<none>\s+0/1 nodes are available: 1 Insufficient cpu", table.Out);
        Assert.Contains("nothing was changed", table.Out, StringComparison.Ordinal);
        Assert.Equal("Updated", JsonDocument.Parse(json.Out).RootElement.GetProperty("workloads")[0].GetProperty("change").GetString());
        Assert.Equal(before, Cli("get", "workloads", "-o", "json").Out);
    }

    [Fact]
    public void Plan_BadManifest_ExitsTwoWithFieldPath()
    {
        var (code, _, err) = Cli("plan", "-f", Write("bad.yaml", Manifest("web", replicas: "-1")));

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("spec.replicas", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndDescribe_ShowQuantitiesForPeopleAndJsonKeepsThemExact()
    {
        // What an agent detects on a 16 GB machine: exact in Ki only.
        await Host.Nodes.RegisterAsync(new NodeSpec(
            "machine", new Dictionary<string, string>(), [], ResourceList.Parse(("cpu", "3500m"), ("memory", "16318928Ki"), ("pods", "110"))));

        var nodes = Cli("get", "nodes").Out;
        var node = Cli("describe", "node", "machine").Out;
        var json = Cli("get", "nodes", "-o", "json").Out;
        var yaml = Cli("get", "nodes", "-o", "yaml").Out;

        Assert.Contains("cpu=3500m,memory=15.6Gi,pods=110", nodes, StringComparison.Ordinal);
        Assert.Contains("cpu=4,memory=8Gi,pods=110", nodes, StringComparison.Ordinal);
        Assert.Contains("Allocatable:    cpu=3500m,memory=15.6Gi,pods=110", node, StringComparison.Ordinal);
        var machine = JsonDocument.Parse(json).RootElement.EnumerateArray().Single(n => n.GetProperty("name").GetString() == "machine");
        Assert.Equal("16318928Ki", machine.GetProperty("spec").GetProperty("allocatable").GetProperty("memory").GetString());
        Assert.Contains("memory: 16318928Ki", yaml, StringComparison.Ordinal);
    }
}
