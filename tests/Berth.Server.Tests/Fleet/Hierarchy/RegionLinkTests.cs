using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Fleet.Hierarchy;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Fleet.Hierarchy;

/// <summary>A root and a region control plane in this process on loopback: registration, reports, disconnection both ways, reconnection.</summary>
public sealed class RegionLinkTests
{
    // Fast, so disconnection shows within a test's wait; the silence allowed is six reports.
    private static readonly RegionLinkOptions Fast = new() { ReportInterval = TimeSpan.FromMilliseconds(100), DisconnectedAfter = TimeSpan.FromMilliseconds(600) };

    private static Task<RunningServer> StartRootAsync(string listen = "127.0.0.1:0") =>
        RunningServer.StartAsync(o => o with { Listen = listen, GrpcListen = "127.0.0.1:0", Region = "global", RegionLink = Fast });

    private static Task<RunningServer> StartChildAsync(RunningServer root, string region) =>
        RunningServer.StartAsync(o => o with { Region = region, Parent = root.Host.Address.ToString(), RegionLink = Fast });

    private static async Task<RegionView[]> RegionsAsync(RunningServer root) =>
        JsonSerializer.Deserialize(await root.GetTextAsync("v1/fleet/regions"), ApiJson.Info<RegionView[]>())!;

    private static async Task<IReadOnlyList<ClusterEvent>> EventsAsync(RunningServer server) =>
        await server.Host.Services.GetRequiredService<EventLog>().ReadAfterAsync(0);

    [Fact]
    public async Task Child_WithPools_RegistersAndRootListsItsPoolsAsConnected()
    {
        await using var root = await StartRootAsync();
        await using var child = await StartChildAsync(root, "eu-west");
        await RegionFixtures.PutPoolAsync(child.Host.Store, RegionFixtures.Pool("eu-west-1", "eu-west", "gdpr"));
        await RegionFixtures.PutNodeClassAsync(child.Host.Store, RegionFixtures.NodeClass());

        var regions = await RunningServer.WaitForAsync(() => RegionsAsync(root), r => r.Length == 1 && r[0].Pools.Count == 1, "eu-west's pool at the root");

        var view = regions[0];
        Assert.Equal("eu-west", view.Region);
        Assert.Equal(child.Host.Address.ToString(), view.Address);
        Assert.Equal(FleetRegions.ConnectedStatus, view.Status);
        Assert.Equal(["eu-west-1"], view.Pools);
        Assert.Equal(["medium"], view.NodeClasses);
        var link = child.Host.Services.GetRequiredService<RegionLink>();
        // The root stores the registration before its answer reaches the child: the child's side is waited for.
        await RunningServer.WaitForAsync(() => Task.FromResult(link.State), state => state == ParentLinkState.Connected, "the child's link to turn Connected");
        Assert.Equal(["eu-west", "global"], link.LastAnswer?.Regions);
        Assert.Contains(await EventsAsync(root), e => e.Type == ClusterEventType.RegionRegistered && e.Subject == "eu-west");
    }

    [Fact]
    public async Task Child_Stopped_RootMarksItDisconnectedWithEvent()
    {
        await using var root = await StartRootAsync();
        var child = await StartChildAsync(root, "eu-west");
        try
        {
            await RunningServer.WaitForAsync(() => RegionsAsync(root), r => r.Length == 1, "eu-west registered");
        }
        finally
        {
            await child.DisposeAsync();
        }

        var regions = await RunningServer.WaitForAsync(() => RegionsAsync(root), r => r[0].Status == FleetRegions.DisconnectedStatus, "eu-west disconnected");

        Assert.Equal("eu-west", regions[0].Region);
        await RunningServer.WaitForAsync(() => EventsAsync(root), e => e.Any(x => x.Type == ClusterEventType.RegionDisconnected && x.Subject == "eu-west"), "the disconnection event");
    }

    [Fact]
    public async Task Parent_StoppedThenBack_ChildCutOffThenReconnectsAndRunsReconnectHandlers()
    {
        var root = await StartRootAsync();
        var port = root.Host.Address.Port;
        RunningServer? again = null;
        try
        {
            await using var child = await StartChildAsync(root, "eu-west");
            var link = child.Host.Services.GetRequiredService<RegionLink>();
            int reconnects = 0;
            link.OnReconnected(_ =>
            {
                Interlocked.Increment(ref reconnects);
                return Task.CompletedTask;
            });
            await RunningServer.WaitForAsync(() => Task.FromResult(link.State), s => s == ParentLinkState.Connected, "the child connected");
            int before = Volatile.Read(ref reconnects);

            await root.DisposeAsync();
            await RunningServer.WaitForAsync(() => Task.FromResult(link.State), s => s == ParentLinkState.CutOff, "the child cut off");
            // The state turns before the event is written: the event is waited for, not read at once.
            var events = await RunningServer.WaitForAsync(() => EventsAsync(child), e => e.Any(x => x.Type == ClusterEventType.ParentUnreachable), "the unreachable event");
            var unreachable = Assert.Single(events, e => e.Type == ClusterEventType.ParentUnreachable);
            Assert.StartsWith($"parent {link.Parent} unreachable", unreachable.Message, StringComparison.Ordinal);

            again = await StartRootAsync($"127.0.0.1:{port}");
            await RunningServer.WaitForAsync(() => Task.FromResult(link.State), s => s == ParentLinkState.Connected, "the child reconnected");

            await RunningServer.WaitForAsync(() => Task.FromResult(Volatile.Read(ref reconnects)), n => n > before, "the reconnect handler to run");
            await RunningServer.WaitForAsync(() => EventsAsync(child), e => e.Any(x => x.Type == ClusterEventType.ParentReconnected), "the reconnected event");
            Assert.Equal(before + 1, Volatile.Read(ref reconnects));
            await RunningServer.WaitForAsync(() => RegionsAsync(again), r => r.Length == 1 && r[0].Status == FleetRegions.ConnectedStatus, "eu-west registered with the new root");
        }
        finally
        {
            await root.DisposeAsync();
            if (again is not null)
            {
                await again.DisposeAsync();
            }
        }
    }
}
