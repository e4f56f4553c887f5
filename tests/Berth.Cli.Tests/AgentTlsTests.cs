using Berth.Agent;
using Berth.Agent.Security;
using Berth.Cli.Tests.Fixtures;
using Berth.Server.Hosting;
using Berth.Server.Security;
using Berth.Server.State;

namespace Berth.Cli.Tests;

/// <summary>
/// Agents on a server with <c>--tls-dir</c>: a bootstrap token made with <c>berth node bootstrap-token create</c> joins
/// one agent once, which then runs replicas and renews its short-lived certificate without a restart.
/// </summary>
public sealed class AgentTlsTests : RunningServerCliTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(45);

    private string Tls => Path.Combine(Dir, "tls");

    private string[] Admin => ["--ca-cert", Path.Combine(Tls, "ca.crt"), "--client-cert", Path.Combine(Tls, "admin.crt"), "--client-key", Path.Combine(Tls, "admin.key")];

    protected override ServerOptions Options(ServerOptions defaults)
    {
        TlsInit.Run(new TlsInitOptions { Directory = Tls }, DateTimeOffset.UtcNow);
        // Node certificates live 6 s (a test-only floor), so renewals come every few seconds.
        return defaults with
        {
            TlsDirectory = Tls,
            NodeCertificateTtl = TimeSpan.FromSeconds(6),
            NodeCertificateTtlFloor = TimeSpan.FromSeconds(1),
            LoopInterval = TimeSpan.FromMilliseconds(200),
        };
    }

    [Fact]
    public async Task BootstrapToken_UsedByOneAgent_RefusesTheNextAgentSayingItWasUsed()
    {
        var (created, token, _) = Cli(["node", "bootstrap-token", "create", "--ttl", "5m", .. Admin]);
        token = token.Trim();
        using (var credentials = NodeCredentials.For(AgentOptions("node-a", token))!)
        {
            await credentials.InitializeAsync(CancellationToken.None);
        }

        var (code, _, error) = Cli(["agent", "--name", "node-b", "--ca-cert", Path.Combine(Tls, "ca.crt"), "--bootstrap-token", token]);

        Assert.Equal(0, created);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains($"bootstrap token '{token[..6]}.…' was already used (by node 'node-a' at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_JoinedWithToken_RunsAReplicaAndRenewsItsCertificateWithoutRestart()
    {
        var (_, token, _) = Cli(["node", "bootstrap-token", "create", .. Admin]);
        var options = AgentOptions("node-a", token.Trim());
        using var credentials = NodeCredentials.For(options)!;
        await credentials.InitializeAsync(CancellationToken.None);
        var first = credentials.Current!;
        await using var agent = new AgentLoop(options, credentials: credentials);
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        var manifest = Path.Combine(Dir, "web.yaml");
        await File.WriteAllTextAsync(manifest, Manifest);

        var (applied, _, applyError) = Cli(["apply", "-f", manifest, .. Admin]);
        await WaitAsync(async () => await StateAsync() == AssignmentState.Running, "the replica runs on node-a");
        // Renewed at least twice and past the first certificate's expiry: each renewal connected with the certificate before it.
        await WaitAsync(() => Task.FromResult(credentials.Renewals >= 2 && DateTime.UtcNow > first.NotAfter.ToUniversalTime()), "two renewals");

        Assert.Equal(0, applied);
        Assert.Equal("", applyError);
        Assert.NotEqual(first.Thumbprint, credentials.Current!.Thumbprint);
        Assert.Equal(AssignmentState.Running, await StateAsync());
        Assert.False(running.IsCompleted);
        Assert.True(agent.Registered);
        // A new connection now presents the renewed certificate (the first one has expired and would fail the handshake).
        using (var fresh = new HttpClient(credentials.CreateHandler()))
        {
            using var renew = await fresh.GetAsync(new Uri(Host.Address, "v1/info"));
            Assert.True(renew.IsSuccessStatusCode);
        }
        Assert.Equal(credentials.Current!.ExportCertificatePem().Trim(), (await File.ReadAllTextAsync(Path.Combine(Dir, "cert-node-a", NodeCredentials.CertificateFile))).Trim());
        await stop.CancelAsync();
        await running;
    }

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: web}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 100m, memory: 16Mi}}

        """;

    private AgentOptions AgentOptions(string node, string token) => new()
    {
        Server = Host.Address,
        NodeName = node,
        CapacityOverride = new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "2Gi" },
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        PollInterval = TimeSpan.FromMilliseconds(200),
        CaCertificatePath = Path.Combine(Tls, "ca.crt"),
        BootstrapToken = token,
        CertificateDirectory = Path.Combine(Dir, "cert-" + node),
        StopGrace = TimeSpan.Zero,
    };

    private async Task<AssignmentState?> StateAsync()
    {
        var kv = await Host.Store.GetAsync(KeyLayout.Assignment(new WorkloadKey("default", "web"), 0));
        return kv is null ? null : StateSerializer.Deserialize<Assignment>(kv.Value.Span).State;
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
