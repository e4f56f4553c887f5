using System.Text.Json;
using Berth.Protocol.Agent.V1;
using Berth.Server.Api;
using Berth.Server.Tests.Fixtures;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Api.Grpc;

/// <summary>
/// The public API over gRPC (proto/berth.proto) on a real Kestrel on 127.0.0.1 (free REST and gRPC ports, temporary
/// data directory), called with the generated client.
/// </summary>
public sealed class BerthGrpcServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = RunningServer.WaitLimit;

    private RunningServer? _server;
    private GrpcChannel? _channel;

    private RunningServer Server => _server ?? throw new InvalidOperationException("server not started");

    private V1.Berth.BerthClient Client => new(_channel ?? throw new InvalidOperationException("server not started"));

    private static string Manifest(string name, string replicas = "1", string cpu = "500m") => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}, labels: {app: {{{name}}}}}
        spec:
          replicas: {{{replicas}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: {{{cpu}}}, memory: 64Mi}}

        """;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Host.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    // Past the control loop's bookkeeping and the audit log, which records refused calls too.
    private Task<long> StoreRevisionAsync() => RequestWrites.RevisionAsync(Server.Host.Store);

    private Task RegisterAsync(string name) => Server.Host.Nodes.RegisterAsync(RunningServer.Node(name));

    private async Task<V1.ApplyResponse> ApplyAsync(string manifest) => await Client.ApplyAsync(new V1.ApplyRequest { Manifest = manifest });

    private Task<V1.Assignment[]> WaitForAssignmentsAsync(Func<V1.Assignment[], bool> done, string what) =>
        RunningServer.WaitForAsync(async () => (await Client.ListAssignmentsAsync(new V1.ListAssignmentsRequest())).Assignments.ToArray(), done, what);

    private static async Task<RpcException> RefusedAsync<T>(Func<AsyncUnaryCall<T>> call) =>
        await Assert.ThrowsAsync<RpcException>(async () => await call());

    [Fact]
    public async Task Apply_Manifest_ListWorkloadsShowsItWithTypedFields()
    {
        var applied = await ApplyAsync(Manifest("web", replicas: "2"));

        var outcome = Assert.Single(applied.Workloads);
        Assert.Equal(("/workloads/default/web", V1.ApplyOutcome.Created), (outcome.Key, outcome.Outcome));
        var workload = Assert.Single((await Client.ListWorkloadsAsync(new V1.ListWorkloadsRequest())).Workloads);
        Assert.Equal(("default", "web", 2, V1.DesiredState.Running), (workload.Namespace, workload.Name, workload.Replicas, workload.DesiredState));
        Assert.Equal(outcome.Revision, workload.Revision);
        Assert.Equal("web", workload.Labels["app"]);
        Assert.Contains("\"memory\":\"64Mi\"", workload.SpecJson, StringComparison.Ordinal);
        using (var rest = JsonDocument.Parse(await Server.GetTextAsync("v1/workloads")))
        {
            Assert.Equal(rest.RootElement[0].GetProperty("spec").GetRawText(), workload.SpecJson);
        }
        Assert.Equal(V1.ApplyOutcome.Unchanged, Assert.Single((await ApplyAsync(Manifest("web", replicas: "2"))).Workloads).Outcome);
    }

    [Theory]
    [InlineData("one document", "")]
    [InlineData("second of two documents", "good")]
    public async Task Apply_BadManifest_IsInvalidArgumentWithFieldPathAndStoreUnchanged(string _, string goodFirst)
    {
        long before = await StoreRevisionAsync();
        var manifest = (goodFirst.Length > 0 ? Manifest(goodFirst) + "---\n" : "") + Manifest("web", replicas: "two");

        var e = await RefusedAsync(() => Client.ApplyAsync(new V1.ApplyRequest { Manifest = manifest }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("spec.replicas: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await StoreRevisionAsync());
        Assert.Empty((await Client.ListWorkloadsAsync(new V1.ListWorkloadsRequest())).Workloads);
    }

    [Fact]
    public async Task Apply_EmptyManifest_IsInvalidArgumentNamingManifest()
    {
        var e = await RefusedAsync(() => Client.ApplyAsync(new V1.ApplyRequest { Manifest = "  \n" }));

        Assert.Equal((StatusCode.InvalidArgument, ApiMessages.EmptyManifest), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Apply_LargerThanRequestLimit_IsResourceExhaustedAndStoresNothing()
    {
        await using var small = await RunningServer.StartAsync(options => options with { MaxRequestBodyBytes = 4096 });
        using var channel = GrpcChannel.ForAddress(small.Host.GrpcAddress);
        var client = new V1.Berth.BerthClient(channel);
        long before = await RequestWrites.RevisionAsync(small.Host.Store);
        var manifest = Manifest("web") + "# " + new string('x', 8192) + "\n";

        var e = await RefusedAsync(() => client.ApplyAsync(new V1.ApplyRequest { Manifest = manifest }));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(before, await RequestWrites.RevisionAsync(small.Host.Store));
        Assert.Single((await client.ApplyAsync(new V1.ApplyRequest { Manifest = Manifest("web") })).Workloads);
    }

    [Fact]
    public async Task ScaleStopStart_RoundTrip_ChangesRevisionAndPlacement()
    {
        await RegisterAsync("n1");
        var applied = Assert.Single((await ApplyAsync(Manifest("web"))).Workloads);
        await WaitForAssignmentsAsync(a => a.Length == 1, "one replica");

        var scaled = await Client.ScaleWorkloadAsync(new V1.ScaleWorkloadRequest { Namespace = "default", Name = "web", Replicas = 3 });
        Assert.Equal((true, 3), (scaled.Changed, scaled.Replicas));
        Assert.True(scaled.Revision > applied.Revision);
        await WaitForAssignmentsAsync(a => a.Length == 3 && a.All(x => x.Node == "n1"), "three replicas on n1");

        var stopped = await Client.StopWorkloadAsync(new V1.StopWorkloadRequest { Namespace = "default", Name = "web" });
        Assert.Equal((true, V1.DesiredState.Stopped), (stopped.Changed, stopped.DesiredState));
        await WaitForAssignmentsAsync(a => a.All(x => x.State == V1.AssignmentState.Stopped), "replicas stopped");
        Assert.False((await Client.StopWorkloadAsync(new V1.StopWorkloadRequest { Namespace = "default", Name = "web" })).Changed);

        var started = await Client.StartWorkloadAsync(new V1.StartWorkloadRequest { Namespace = "default", Name = "web" });
        Assert.Equal((true, V1.DesiredState.Running), (started.Changed, started.DesiredState));
        await WaitForAssignmentsAsync(a => a.Length == 3 && a.All(x => x.State == V1.AssignmentState.Pending), "replicas placed again");
        var detail = await Client.GetWorkloadAsync(new V1.GetWorkloadRequest { Namespace = "default", Name = "web" });
        Assert.Equal(started.Revision, detail.Workload.Revision);
        Assert.Contains(detail.Events, e => e.Type == "WorkloadScaled" && e.Message == ApiMessages.WorkloadScaled("default/web", 1, 3));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public async Task Scale_OutOfRange_IsInvalidArgumentNamingReplicasAndWritesNothing(int replicas)
    {
        var applied = Assert.Single((await ApplyAsync(Manifest("web", replicas: "{min: 1, max: 3}"))).Workloads);

        var e = await RefusedAsync(() => Client.ScaleWorkloadAsync(new V1.ScaleWorkloadRequest { Namespace = "default", Name = "web", Replicas = replicas }));

        var expected = replicas < 0 ? ApiMessages.NegativeReplicas(replicas) : ApiMessages.ReplicasOutsideRange("default/web", replicas, 1, 3);
        Assert.Equal((StatusCode.InvalidArgument, expected), (e.StatusCode, e.Status.Detail));
        // The control loop may write its unschedulable summary meanwhile; the request itself wrote no revision, no event.
        Assert.DoesNotContain((await Client.ListEventsAsync(new V1.ListEventsRequest { After = applied.Revision, Limit = 1000 })).Events, x => x.Type == "WorkloadScaled");
        var workload = Assert.Single((await Client.ListWorkloadsAsync(new V1.ListWorkloadsRequest())).Workloads);
        Assert.Equal((applied.Revision, 1, 3), (workload.Revision, workload.MinReplicas, workload.MaxReplicas));
    }

    [Fact]
    public async Task Verbs_UnknownOrInvalidTarget_AreNotFoundOrInvalidArgument()
    {
        var scale = await RefusedAsync(() => Client.ScaleWorkloadAsync(new V1.ScaleWorkloadRequest { Namespace = "default", Name = "ghost", Replicas = 1 }));
        var get = await RefusedAsync(() => Client.GetWorkloadAsync(new V1.GetWorkloadRequest { Namespace = "default", Name = "ghost" }));
        var cordon = await RefusedAsync(() => Client.CordonNodeAsync(new V1.CordonNodeRequest { Name = "ghost" }));
        var badKey = await RefusedAsync(() => Client.StopWorkloadAsync(new V1.StopWorkloadRequest { Namespace = "Bad_NS", Name = "web" }));
        var badNode = await RefusedAsync(() => Client.DrainNodeAsync(new V1.DrainNodeRequest { Name = "Bad_Node" }));

        Assert.Equal((StatusCode.NotFound, ApiMessages.WorkloadNotFound("default/ghost")), (scale.StatusCode, scale.Status.Detail));
        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        Assert.Equal((StatusCode.NotFound, ApiMessages.NodeNotFound("ghost")), (cordon.StatusCode, cordon.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, badKey.StatusCode);
        Assert.Contains("Bad_NS", badKey.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badNode.StatusCode);
        Assert.Contains("Bad_Node", badNode.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CordonUncordonDrain_RoundTrip_MovesReplicasAway()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web", replicas: "2"));
        await WaitForAssignmentsAsync(a => a.Length == 2, "two replicas on n1");
        await RegisterAsync("n2");

        Assert.True((await Client.CordonNodeAsync(new V1.CordonNodeRequest { Name = "n1" })).Cordoned);
        Assert.True((await Client.ListNodesAsync(new V1.ListNodesRequest())).Nodes.Single(n => n.Name == "n1").Cordoned);
        Assert.False((await Client.UncordonNodeAsync(new V1.UncordonNodeRequest { Name = "n1" })).Cordoned);
        var n1 = (await Client.ListNodesAsync(new V1.ListNodesRequest())).Nodes.Single(n => n.Name == "n1");
        Assert.False(n1.Cordoned);
        Assert.Equal(("4", "8Gi"), (n1.Allocatable["cpu"], n1.Allocatable["memory"]));

        var first = await Client.DrainNodeAsync(new V1.DrainNodeRequest { Name = "n1" });
        Assert.Single(first.Released);
        var last = await RunningServer.WaitForAsync(
            async () => await Client.DrainNodeAsync(new V1.DrainNodeRequest { Name = "n1" }), r => r.Complete, "drain complete");

        Assert.Empty(last.Remaining);
        await WaitForAssignmentsAsync(a => a.Length == 2 && a.All(x => x.Node == "n2"), "replicas on n2");
        Assert.True((await Client.ListNodesAsync(new V1.ListNodesRequest())).Nodes.Single(n => n.Name == "n1").Cordoned);
    }

    [Fact]
    public async Task Plan_Manifest_ReportsPlacementsAndWritesNothing()
    {
        await RegisterAsync("n1");
        await ApplyAsync(Manifest("web"));
        await WaitForAssignmentsAsync(a => a.Length == 1, "one replica");
        long before = await StoreRevisionAsync();

        var plan = await Client.PlanAsync(new V1.PlanRequest { Manifest = Manifest("web", replicas: "2") + "---\n" + Manifest("huge", cpu: "64") });

        // The control loop may still record the placement it just made, so "nothing written" is checked on what a plan
        // would write: no workload, no event of an apply.
        Assert.True(plan.Revision >= before);
        var workloads = (await Client.ListWorkloadsAsync(new V1.ListWorkloadsRequest())).Workloads;
        Assert.Equal([("web", 1)], workloads.Select(w => (w.Name, w.Replicas)));
        Assert.DoesNotContain((await Client.ListEventsAsync(new V1.ListEventsRequest { After = before, Limit = 1000 })).Events, e => e.Type == "WorkloadApplied");
        var web = plan.Workloads[0];
        Assert.Equal((V1.PreviewChange.Updated, "replicas"), (web.Change, Assert.Single(web.ChangedFields)));
        Assert.Equal([(V1.ReplicaAction.Keep, "n1"), (V1.ReplicaAction.Place, "n1")], web.Replicas.Select(r => (r.Action, r.Node)));
        var huge = Assert.Single(plan.Workloads[1].Replicas);
        Assert.Equal((V1.PreviewChange.Created, V1.ReplicaAction.Unschedulable), (plan.Workloads[1].Change, huge.Action));
        Assert.Contains("Insufficient cpu", huge.Detail, StringComparison.Ordinal);
        var bad = await RefusedAsync(() => Client.PlanAsync(new V1.PlanRequest { Manifest = Manifest("web", replicas: "two") }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("spec.replicas: ", bad.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Existing_RemovesItThenNotFound()
    {
        await ApplyAsync(Manifest("web"));

        var deleted = await Client.DeleteWorkloadAsync(new V1.DeleteWorkloadRequest { Namespace = "default", Name = "web" });

        Assert.Equal("/workloads/default/web", deleted.Key);
        Assert.Empty((await Client.ListWorkloadsAsync(new V1.ListWorkloadsRequest())).Workloads);
        var again = await RefusedAsync(() => Client.DeleteWorkloadAsync(new V1.DeleteWorkloadRequest { Namespace = "default", Name = "web" }));
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
        var events = await Client.ListEventsAsync(new V1.ListEventsRequest { After = deleted.Revision - 1 });
        Assert.Contains(events.Events, e => e.Type == "WorkloadDeleted" && e.Subject == "default/web" && e.Revision == deleted.Revision);
    }

    [Theory]
    [InlineData(-1, 0, "after")]
    [InlineData(0, 1001, "limit")]
    [InlineData(0, -5, "limit")]
    public async Task ListEvents_OutOfRange_IsInvalidArgumentNamingTheField(long after, int limit, string field)
    {
        var e = await RefusedAsync(() => Client.ListEventsAsync(new V1.ListEventsRequest { After = after, Limit = limit }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith($"query parameter {field}=", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListEvents_AfterAndLimit_PagesInRevisionOrder()
    {
        await ApplyAsync(Manifest("a"));
        await ApplyAsync(Manifest("b"));

        var first = await Client.ListEventsAsync(new V1.ListEventsRequest { Limit = 1 });
        var rest = await Client.ListEventsAsync(new V1.ListEventsRequest { After = first.Next });

        Assert.Equal(("WorkloadApplied", "default/a"), (Assert.Single(first.Events).Type, first.Events[0].Subject));
        Assert.Equal(first.Events[0].Revision, first.Next);
        Assert.Contains(rest.Events, e => e.Subject == "default/b");
        Assert.All(rest.Events, e => Assert.True(e.Revision > first.Next));
    }

    [Fact]
    public async Task WatchEvents_FromZero_YieldsPastThenLiveEvents()
    {
        await ApplyAsync(Manifest("a"));
        using var deadline = new CancellationTokenSource(WaitLimit);
        using var watch = Client.WatchEvents(new V1.WatchEventsRequest { After = 0 }, cancellationToken: deadline.Token);

        Assert.True(await watch.ResponseStream.MoveNext(deadline.Token));
        var past = watch.ResponseStream.Current;
        var live = await ApplyAsync(Manifest("b"));
        V1.Event? seen = null;
        while (seen is null && await watch.ResponseStream.MoveNext(deadline.Token))
        {
            if (watch.ResponseStream.Current.Subject == "default/b")
            {
                seen = watch.ResponseStream.Current;
            }
        }

        Assert.Equal(("WorkloadApplied", "default/a"), (past.Type, past.Subject));
        Assert.NotNull(seen);
        Assert.Equal(("WorkloadApplied", live.Revision), (seen.Type, seen.Revision));
        Assert.True(seen.Time.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task ReplicaLogs_AfterPushLogs_TailsThenFollows()
    {
        var agent = new AgentService.AgentServiceClient(_channel!);
        var registration = new RegisterRequest { Name = "node-a" };
        registration.Allocatable.Add("cpu", "4");
        registration.Allocatable.Add("memory", "8Gi");
        registration.Allocatable.Add("pods", "110");
        await agent.RegisterAsync(registration);
        await ApplyAsync(Manifest("web"));
        await agent.PushLogsAsync(Batch("one", "two", "three"));

        var tail = await ReadAllAsync(Client.ReplicaLogs(new V1.ReplicaLogsRequest { Namespace = "default", Name = "web", Replica = 0, Tail = 2 }));
        Assert.Equal(["two", "three"], tail);

        using var deadline = new CancellationTokenSource(WaitLimit);
        using var follow = Client.ReplicaLogs(new V1.ReplicaLogsRequest { Namespace = "default", Name = "web", Replica = 0, Tail = 1, Follow = true }, cancellationToken: deadline.Token);
        Assert.True(await follow.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal("three", follow.ResponseStream.Current.Line);
        await agent.PushLogsAsync(Batch("four"));
        Assert.True(await follow.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal("four", follow.ResponseStream.Current.Line);

        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            ReadAllAsync(Client.ReplicaLogs(new V1.ReplicaLogsRequest { Namespace = "default", Name = "ghost", Replica = 0 })));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    private static LogBatch Batch(params string[] lines)
    {
        var replica = new ReplicaLines { Workload = "default/web", Replica = 0 };
        replica.Lines.AddRange(lines);
        var batch = new LogBatch { Node = "node-a" };
        batch.Replicas.Add(replica);
        return batch;
    }

    private static async Task<List<string>> ReadAllAsync(AsyncServerStreamingCall<V1.LogLine> call)
    {
        using (call)
        {
            using var deadline = new CancellationTokenSource(WaitLimit);
            var lines = new List<string>();
            await foreach (var line in call.ResponseStream.ReadAllAsync(deadline.Token))
            {
                lines.Add(line.Line);
            }
            return lines;
        }
    }
}
