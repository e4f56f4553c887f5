using Berth.Server.Fleet;
using Berth.Server.Tests.Fixtures;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Fleet;

/// <summary>The Rebalance rpc answers as <c>POST /v1/fleet/rebalance</c> does, refusals included.</summary>
public sealed class RebalanceGrpcTests : IAsyncLifetime
{
    private RunningServer? _server;
    private GrpcChannel? _channel;

    private V1.Berth.BerthClient Client => new(_channel ?? throw new InvalidOperationException("server not started"));

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

    [Fact]
    public async Task Rebalance_NoFleet_AnswersNoTriggersOverBothTransports()
    {
        var grpc = await Client.RebalanceAsync(new V1.RebalanceRequest());
        using var rest = await _server!.Http.PostAsync(new Uri(_server.Host.Address, "v1/fleet/rebalance"), null);

        Assert.Empty(grpc.Triggers);
        Assert.Empty(grpc.Moves);
        Assert.Equal(System.Net.HttpStatusCode.OK, rest.StatusCode);
        Assert.Contains("\"triggers\":[]", await rest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shop/ghost", StatusCode.NotFound)]
    [InlineData("shop/", StatusCode.InvalidArgument)]
    public async Task Rebalance_BadOrUnknownWorkload_IsRefusedWithTheRestMessage(string workload, StatusCode expected)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.RebalanceAsync(new V1.RebalanceRequest { Workload = workload }).ResponseAsync);
        using var rest = await _server!.Http.PostAsync(new Uri(_server.Host.Address, "v1/fleet/rebalance?workload=" + Uri.EscapeDataString(workload)), null);

        Assert.Equal(expected, refused.StatusCode);
        Assert.Equal(expected == StatusCode.NotFound ? 404 : 400, (int)rest.StatusCode);
        Assert.Contains(expected == StatusCode.NotFound ? RebalanceMessages.NotAFleetWorkload("shop/ghost") : RebalanceMessages.BadWorkloadArgument(workload),
            refused.Status.Detail, StringComparison.Ordinal);
    }
}
