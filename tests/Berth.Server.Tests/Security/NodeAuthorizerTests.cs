using System.Net.Http.Json;
using System.Text;
using Berth.Protocol.Agent.V1;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;
using Grpc.Core;

namespace Berth.Server.Tests.Security;

/// <summary>The node authorizer on a real server with <c>--tls-dir</c>, called over gRPC with node certificates.</summary>
public sealed class NodeAuthorizerTests : TlsServerTests
{
    /// <summary>One replica of a small <c>sleep</c>, named web.</summary>
    private static readonly string OneReplica = RunningServer.Manifest("web", replicas: 1);

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Register_OwnNodeCertificate_IsAccepted()
    {
        var client = Server.Agent(Server.NodeCertificate("node-a"));

        var answer = await client.RegisterAsync(Registration("node-a"));

        Assert.Equal("node-a", answer.Name);
    }

    [Fact]
    public async Task AgentCalls_AnotherNodesCertificate_ArePermissionDeniedNamingBothNodes()
    {
        var asB = Server.Agent(Server.NodeCertificate("node-b"));
        await asB.RegisterAsync(Registration("node-b"));
        var asA = Server.Agent(Server.NodeCertificate("node-a"));

        var register = await Assert.ThrowsAsync<RpcException>(async () => await asA.RegisterAsync(Registration("node-b")));
        var heartbeat = await Assert.ThrowsAsync<RpcException>(async () => await asA.HeartbeatAsync(new HeartbeatRequest { Node = "node-b" }));
        var push = await Assert.ThrowsAsync<RpcException>(async () => await asA.PushLogsAsync(new LogBatch { Node = "node-b" }));
        var report = await Assert.ThrowsAsync<RpcException>(async () => await asA.ReportStatusAsync(
            new StatusReport { Node = "node-b", Workload = "default/web", Replica = 0, State = ReplicaState.Running }));
        var watch = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = asA.WatchAssignments(new WatchAssignmentsRequest { Node = "node-b" });
            await call.ResponseStream.MoveNext();
        });

        foreach (var refused in new[] { register, heartbeat, push, report, watch })
        {
            Assert.Equal((StatusCode.PermissionDenied, TlsMessages.WrongNode("node-a", "node-b")), (refused.StatusCode, refused.Status.Detail));
        }
        Assert.Contains("node 'node-a'", TlsMessages.WrongNode("node-a", "node-b"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NoCertificateWithTls_IsUnauthenticated()
    {
        var client = Server.Agent();

        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.RegisterAsync(Registration("node-a")));

        Assert.Equal((StatusCode.Unauthenticated, TlsMessages.AgentWithoutCertificate("node-a")), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Register_AdminCertificate_IsPermissionDeniedAsNotANode()
    {
        var client = Server.Agent(Server.AdminCertificate());

        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.RegisterAsync(Registration("node-a")));

        Assert.Equal((StatusCode.PermissionDenied, TlsMessages.NotANodeCertificate("admin", "node-a")), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task ReportAndPushLogs_ReplicaAssignedToAnotherNode_ArePermissionDenied()
    {
        var asA = Server.Agent(Server.NodeCertificate("node-a"));
        var asB = Server.Agent(Server.NodeCertificate("node-b"));
        await asA.RegisterAsync(Registration("node-a"));
        await asB.RegisterAsync(Registration("node-b"));
        using (var apply = await Server.AdminHttp().PostAsync("v1/apply", new StringContent(OneReplica, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(apply.IsSuccessStatusCode, await apply.Content.ReadAsStringAsync());
        }
        var assigned = await AssignedNodeAsync();
        var (owner, other, otherName) = assigned == "node-a" ? (asA, asB, "node-b") : (asB, asA, "node-a");

        var report = await Assert.ThrowsAsync<RpcException>(async () => await other.ReportStatusAsync(
            new StatusReport { Node = otherName, Workload = "default/web", Replica = 0, State = ReplicaState.Running }));
        var batch = new LogBatch { Node = otherName };
        batch.Replicas.Add(new ReplicaLines { Workload = "default/web", Replica = 0, Lines = { "forged" } });
        var push = await Assert.ThrowsAsync<RpcException>(async () => await other.PushLogsAsync(batch));
        var own = await owner.ReportStatusAsync(new StatusReport { Node = assigned, Workload = "default/web", Replica = 0, State = ReplicaState.Running });

        var expected = TlsMessages.ReplicaOfOtherNode(otherName, "default/web/0", assigned);
        Assert.Equal((StatusCode.PermissionDenied, expected), (report.StatusCode, report.Status.Detail));
        Assert.Equal((StatusCode.PermissionDenied, expected), (push.StatusCode, push.Status.Detail));
        Assert.Equal("Running", own.Outcome);
    }

    private async Task<string> AssignedNodeAsync()
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (DateTime.UtcNow < deadline)
        {
            var assignments = await Server.AdminHttp().GetFromJsonAsync<List<AssignmentRow>>("v1/assignments");
            if (assignments is [{ Assignment.Node: { Length: > 0 } node }])
            {
                return node;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no assignment within the wait limit");
    }

    private sealed record AssignmentRow(AssignedTo Assignment);

    private sealed record AssignedTo(string Node);

    private static RegisterRequest Registration(string name)
    {
        var request = new RegisterRequest { Name = name };
        request.Allocatable.Add(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = "110" });
        return request;
    }
}
