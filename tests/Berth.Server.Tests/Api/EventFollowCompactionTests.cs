using Berth.Server.Api;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Api;

/// <summary>Following events from a revision whose history was compacted: the client is told, over REST and gRPC, rather than given a gap.</summary>
public sealed class EventFollowCompactionTests : IAsyncLifetime
{
    private RunningServer? _server;

    private RunningServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync();
        await Server.ApplyAsync(RunningServer.Manifest("web"));
        await Server.ApplyAsync(RunningServer.Manifest("db"));
        var revision = (await Server.Host.Store.RangeAsync(KeyRange.Prefix("/"), limit: 1)).Revision;
        await Server.Host.Store.CompactAsync(revision);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task RestFollow_FromACompactedRevision_EndsWithAnErrorEvent()
    {
        var body = await Server.GetTextAsync("v1/events?follow=true&after=0").WaitAsync(RunningServer.WaitLimit);

        Assert.StartsWith($"event: {EventStream.ErrorEvent}\n", body, StringComparison.Ordinal);
        Assert.Contains("compacted", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WatchEvents_FromACompactedRevision_IsOutOfRange()
    {
        using var channel = GrpcChannel.ForAddress(Server.Host.GrpcAddress);
        using var deadline = new CancellationTokenSource(RunningServer.WaitLimit);
        using var watch = new V1.Berth.BerthClient(channel).WatchEvents(new V1.WatchEventsRequest { After = 0 }, cancellationToken: deadline.Token);

        var e = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(deadline.Token));

        Assert.Equal(StatusCode.OutOfRange, e.StatusCode);
        Assert.StartsWith("events after revision 0 are no longer kept", e.Status.Detail, StringComparison.Ordinal);
    }
}
