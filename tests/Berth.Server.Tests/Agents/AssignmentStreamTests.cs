using System.Text;
using Berth.Protocol.Agent.V1;
using Berth.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Agents;

/// <summary>
/// WatchAssignments fed by the assignment index, on a real server whose periodic resend is an hour away: every set after
/// the first is sent because the node's assignments changed, and another node's stream stays quiet.
/// </summary>
public sealed class AssignmentStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-assignment-stream-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ServerHost _host = null!;
    private GrpcChannel _channel = null!;
    private AgentService.AgentServiceClient _client = null!;

    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: web}
        spec:
          replicas: 1
          nodeSelector: {pool: a}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 500m, memory: 64Mi}}

        """;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(
            new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = _data, LoopInterval = TimeSpan.FromMilliseconds(200), AssignmentResendInterval = TimeSpan.FromHours(1) },
            logging => logging.ClearProviders());
        _channel = GrpcChannel.ForAddress(_host.GrpcAddress);
        _client = new AgentService.AgentServiceClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        _http.Dispose();
        await _host.DisposeAsync();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task RegisterAsync(string name, string pool)
    {
        var request = new RegisterRequest { Name = name };
        request.Labels.Add("pool", pool);
        request.Allocatable.Add(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = "110" });
        await _client.RegisterAsync(request);
    }

    [Fact]
    public async Task WatchAssignments_PlacedThenDeleted_EachChangeArrivesWithoutWaitingForTheResend()
    {
        await RegisterAsync("node-a", "a");
        await RegisterAsync("node-b", "b");
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var a = _client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-a" }, cancellationToken: deadline.Token);
        using var b = _client.WatchAssignments(new WatchAssignmentsRequest { Node = "node-b" }, cancellationToken: deadline.Token);
        Assert.True(await a.ResponseStream.MoveNext(deadline.Token));
        Assert.Empty(a.ResponseStream.Current.Assignments);
        Assert.True(await b.ResponseStream.MoveNext(deadline.Token));
        var bNext = b.ResponseStream.MoveNext(deadline.Token);

        using (var apply = await _http.PostAsync(new Uri(_host.Address, "v1/apply"), new StringContent(Manifest, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }
        Assert.True(await a.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal("default/web", Assert.Single(a.ResponseStream.Current.Assignments).Workload);

        using (var delete = await _http.DeleteAsync(new Uri(_host.Address, "v1/workloads/default/web")))
        {
            Assert.True(delete.IsSuccessStatusCode);
        }
        Assert.True(await a.ResponseStream.MoveNext(deadline.Token));
        Assert.Empty(a.ResponseStream.Current.Assignments);

        // node-b holds nothing of web: its stream sent nothing after its first set.
        Assert.False(bNext.IsCompleted);
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => bNext);
    }

    [Fact]
    public async Task WatchAssignments_UnknownNode_IsNotFound()
    {
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var call = _client.WatchAssignments(new WatchAssignmentsRequest { Node = "ghost" }, cancellationToken: deadline.Token);

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(deadline.Token));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }
}
