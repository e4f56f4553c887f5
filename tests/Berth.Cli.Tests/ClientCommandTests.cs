using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Cli.Commands.Client;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>The client verbs run in-process against a real server on 127.0.0.1:0 with a temporary data directory.</summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("berth-client-").FullName;
    private ServerHost? _host;

    private ServerHost Host => _host ?? throw new InvalidOperationException("host not started");

    private string Server => Host.Address.ToString();

    private static string Manifest(string name, int replicas = 1) => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 100m, memory: 64Mi}}
        """;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), LoopInterval = TimeSpan.FromMilliseconds(200) },
            logging => logging.ClearProviders());
        await Host.Nodes.RegisterAsync(new NodeSpec("node-1", new Dictionary<string, string>(), [], ResourceList.Parse(("cpu", "4"), ("memory", "8Gi"), ("pods", "110"))));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run([.. args, "--server", Server], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

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
    public void Apply_File_CreatesThenUnchanged()
    {
        var path = Write("web.yaml", Manifest("web"));

        var first = Cli("apply", "-f", path);
        var second = Cli("apply", "-f", path);

        Assert.Equal((0, "workload default/web created"), (first.Code, first.Out.Trim()));
        Assert.Equal((0, "workload default/web unchanged"), (second.Code, second.Out.Trim()));
    }

    [Fact]
    public void Apply_Directory_SendsEveryManifestFile()
    {
        Write("manifests/a.yaml", "---\n" + Manifest("a"));
        Write("manifests/b.yml", Manifest("b"));
        Write("manifests/c.json", """{"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "c"}, "spec": {"containers": [{"name": "main", "command": ["true"]}]}}""");
        Write("manifests/notes.txt", "not a manifest");

        var (code, output, err) = Cli("apply", "-f", Path.Combine(_dir, "manifests"));

        Assert.True(code == 0, err);
        Assert.Equal(["workload default/a created", "workload default/b created", "workload default/c created"], output.Trim().Split('\n'));
    }

    [Fact]
    public void Apply_BadManifest_PrintsFieldPathExitsTwoStoresNothing()
    {
        var path = Write("bad.yaml", Manifest("web").Replace("replicas: 1", "replicas: -1", StringComparison.Ordinal));

        var (code, _, err) = Cli("apply", "-f", path);
        var list = Cli("get", "workloads", "-o", "json");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("spec.replicas", err, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(list.Out).RootElement.GetArrayLength());
    }

    [Fact]
    public void GetWorkloads_JsonYamlTable()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web", replicas: 2)));

        var json = Cli("get", "workloads", "-o", "json");
        var yaml = Cli("get", "workloads", "-o", "yaml");
        var table = Cli("get", "workloads");
        var wide = Cli("get", "workloads", "-o", "wide");

        var first = JsonDocument.Parse(json.Out).RootElement[0];
        Assert.Equal("web", first.GetProperty("name").GetString());
        Assert.Equal(2, first.GetProperty("spec").GetProperty("replicas").GetInt32());
        Assert.Contains("- namespace: default", yaml.Out, StringComparison.Ordinal);
        Assert.Contains("  name: web", yaml.Out, StringComparison.Ordinal);
        var lines = table.Out.Trim().Split('\n');
        Assert.StartsWith("NAMESPACE   NAME   REPLICAS   DESIRED   REVISION", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^default\s+web\s+2\s+Running\s+\d+$", lines[1]);
        Assert.Contains("CONTAINERS", wide.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetReplicasAndNodes_ShowPlacement()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web")));
        string replicas = "";
        await WaitUntilAsync(() => (replicas = Cli("get", "replicas").Out).Contains("node-1", StringComparison.Ordinal), "the replica to be placed");

        var nodes = Cli("get", "nodes", "-o", "wide");

        Assert.Matches(@"default/web\s+0\s+node-1", replicas);
        Assert.Contains("node-1", nodes.Out, StringComparison.Ordinal);
        Assert.Contains("LAST HEARTBEAT", nodes.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_Workload_ShowsSpecReplicasAndEvents()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web")));
        string output = "";
        await WaitUntilAsync(() => (output = Cli("describe", "workload", "default/web").Out).Contains("WorkloadScheduled", StringComparison.Ordinal), "the scheduled event");

        Assert.Contains("Name:           web", output, StringComparison.Ordinal);
        Assert.Contains("main: sleep 60", output, StringComparison.Ordinal);
        Assert.Contains("WorkloadApplied", output, StringComparison.Ordinal);
        Assert.Matches(@"\n  0\s+node-1", output);
    }

    private static string GangManifest(string name, int replicas, string gang) => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          {{{gang}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 10m, memory: 82Mi}}
        """;

    private int ReplicasOf(string workload) =>
        Cli("get", "replicas").Out.Split('\n').Count(line => line.StartsWith($"default/{workload} ", StringComparison.Ordinal));

    [Fact]
    public async Task Apply_GangOf100OnANodeThatFits99_PlacesNothing_AndTheRoomStaysFree()
    {
        // node-1's 8Gi hold 99 replicas of 82Mi.
        Assert.Equal(0, Cli("apply", "-f", Write("train.yaml", GangManifest("train", 100, "gang: {minAvailable: 100, timeoutSeconds: 30}"))).Code);
        string output = "";
        await WaitUntilAsync(() => (output = Cli("describe", "workload", "default/train").Out)
            .Contains("gang default/train (minAvailable 100) could not be placed", StringComparison.Ordinal), "the gang's unschedulable event");
        Assert.Contains("Gang:           minAvailable 100, timeoutSeconds 30", output, StringComparison.Ordinal);
        Assert.Equal(0, ReplicasOf("train"));

        Cli("apply", "-f", Write("after.yaml", GangManifest("after", 99, "")));
        await WaitUntilAsync(() => ReplicasOf("after") == 99, "all 99 replicas of the workload after the gang");
        Assert.Equal(0, ReplicasOf("train"));
    }

    [Fact]
    public void Apply_GangLargerThanReplicas_IsRefusedNamingTheField()
    {
        var (code, _, error) = Cli("apply", "-f", Write("bad.yaml", GangManifest("bad", 2, "gang: {minAvailable: 3}")));
        Assert.NotEqual(0, code);
        Assert.Contains("spec.gang.minAvailable: 3 is more than the workload's 2 replica(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Node_ShowsSpec()
    {
        var (code, output, _) = Cli("describe", "node", "node-1");
        var missing = Cli("describe", "node", "nope");

        Assert.Equal(0, code);
        Assert.Contains("Allocatable:", output, StringComparison.Ordinal);
        Assert.Equal((Program.UsageError, $"error: {ClientMessages.NodeNotFound("nope")}"), (missing.Code, missing.Err.Trim()));
    }

    [Fact]
    public void Delete_Workload_RemovesIt()
    {
        Cli("apply", "-f", Write("web.yaml", Manifest("web")));

        var deleted = Cli("delete", "workload", "web", "-n", "default");
        var again = Cli("delete", "workload", "web");
        var list = Cli("get", "workloads", "-o", "json");

        Assert.Equal((0, "workload default/web deleted"), (deleted.Code, deleted.Out.Trim()));
        Assert.Equal(Program.UsageError, again.Code);
        Assert.Contains("not found", again.Err, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, JsonDocument.Parse(list.Out).RootElement.GetArrayLength());
    }

    [Fact]
    public void UnreachableServer_ExitsOneWithMessage()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var address = $"http://127.0.0.1:{port}";
        var output = new StringWriter();
        var error = new StringWriter();

        int code = Program.Run(["get", "nodes", "--server", address], output, error);

        Assert.Equal(ClientMessages.ServerFailure, code);
        Assert.Equal($"error: {ClientMessages.Unreachable(new Uri(address + "/"))}", error.ToString().Trim());
    }

    [Fact]
    public async Task GetEventsWatch_ReceivesLiveEvent()
    {
        Cli("apply", "-f", Write("before.yaml", Manifest("before")));
        var buffer = new StringWriter();
        // The synchronized writer locks on itself (not the StringWriter), so reads take the same lock.
        var output = TextWriter.Synchronized(buffer);
        string Seen()
        {
            lock (output)
            {
                return buffer.ToString();
            }
        }
        var error = new StringWriter();
        using var cancel = new CancellationTokenSource();
        var watch = Program.RunAsync(["get", "events", "-w", "--server", Server], output, error, cancel.Token);
        try
        {
            await WaitUntilAsync(() => Seen().Contains("default/before", StringComparison.Ordinal), "the replayed event");

            Cli("apply", "-f", Write("live.yaml", Manifest("live")));
            await WaitUntilAsync(() => Seen().Contains("default/live", StringComparison.Ordinal), "the live event");
        }
        finally
        {
            await cancel.CancelAsync();
        }
        int code = await watch.WaitAsync(WaitLimit);

        Assert.Equal(0, code);
        Assert.Matches(@"\d+\s+\S+\s+WorkloadApplied\s+default/live", Seen());
    }
}
