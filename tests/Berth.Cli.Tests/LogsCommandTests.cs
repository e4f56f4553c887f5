using Berth.Agent;
using Berth.Cli.Commands.Client;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>
/// <c>berth logs</c> in-process against a real server on 127.0.0.1:0 and an in-process agent running a replica that
/// prints lines (a real <c>sh</c> process); every process is stopped at the end.
/// </summary>
public sealed class LogsCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("berth-logs-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private ServerHost? _host;
    private AgentLoop? _agent;
    private Task? _agentRun;

    // Two lines at start, then a numbered line every 100 ms, so -f has something new to show.
    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: talker}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sh, -c, "echo first; echo second; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done"]
              resources: {requests: {cpu: 100m, memory: 16Mi}}
        """;

    private string Server => _host!.Address.ToString();

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(_dir, "data"), LoopInterval = TimeSpan.FromMilliseconds(200) },
            logging => logging.ClearProviders());
        _agent = new AgentLoop(new AgentOptions
        {
            Server = _host.Address,
            NodeName = "logs-node",
            CapacityOverride = new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi" },
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            PollInterval = TimeSpan.FromMilliseconds(200),
        });
        _agentRun = _agent.RunAsync(_stop.Token);
        var path = Path.Combine(_dir, "talker.yaml");
        await File.WriteAllTextAsync(path, Manifest);
        var (code, _, error) = Cli("apply", "-f", path);
        Assert.True(code == 0, error);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_agentRun is not null)
        {
            await _agentRun.WaitAsync(WaitLimit);
        }
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _stop.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run([.. args, "--server", Server], output, error);
        return (code, output.ToString(), error.ToString());
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
    public async Task Logs_ReplicaThatPrints_ShowsItsLinesInOrder()
    {
        string output = "";
        await WaitUntilAsync(() => (output = Cli("logs", "talker").Out).Contains("tick 1\n", StringComparison.Ordinal), "the replica's lines");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["first", "second", "tick 1"], lines[..3]);
        var (code, last, _) = Cli("logs", "default/talker", "--replica", "0", "--tail", "1");
        Assert.Equal(0, code);
        Assert.StartsWith("tick ", Assert.Single(last.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsFollow_TailZero_ShowsOnlyNewLinesAsTheyArrive()
    {
        await WaitUntilAsync(() => Cli("logs", "talker").Out.Contains("tick 1\n", StringComparison.Ordinal), "the replica's first lines");
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
        using var cancel = new CancellationTokenSource();
        var follow = Program.RunAsync(["logs", "talker", "-f", "--tail", "0", "--server", Server], output, new StringWriter(), cancel.Token);
        try
        {
            // Two lines that arrived while following: the stream stays open and delivers them as they come.
            await WaitUntilAsync(() => Seen().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2, "two new lines");
        }
        finally
        {
            await cancel.CancelAsync();
        }
        int code = await follow.WaitAsync(WaitLimit);

        Assert.Equal(0, code);
        var seen = Seen().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("first", seen);
        Assert.All(seen, line => Assert.StartsWith("tick ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Logs_UnknownWorkload_ExitsWithUsageErrorNamingIt()
    {
        var (code, _, error) = Cli("logs", "ghost");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("workload default/ghost not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Logs_NegativeReplica_IsAUsageError()
    {
        var (code, _, error) = Cli("logs", "talker", "--replica", "-1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(ClientMessages.Negative("--replica", -1), error, StringComparison.Ordinal);
    }
}
