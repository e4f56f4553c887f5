using Berth.Server.Api;
using Berth.Server.Fleet.Hierarchy;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store.Sqlite;

namespace Berth.Server.Tests.Fleet.Hierarchy;

public sealed class FleetRegionsTests : IAsyncDisposable
{
    private static readonly RegionLinkOptions Link = new() { ReportInterval = TimeSpan.FromSeconds(1), DisconnectedAfter = TimeSpan.FromSeconds(5) };

    private readonly SqliteStore _store = StateFixtures.Store();
    private readonly ManualTimeProvider _time = new(StateFixtures.T0);
    private readonly EventLog _events;
    private readonly FleetRegions _regions;

    public FleetRegionsTests()
    {
        _events = new EventLog(_store, _time, "test");
        _regions = new FleetRegions(_store, _events, new LocalFleetCatalog(_store), Link, "global");
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task<IReadOnlyList<ClusterEvent>> EventsAsync() => await _events.ReadAfterAsync(0);

    [Fact]
    public async Task ReportAsync_FirstReport_StoresRecordAndRegistersOnce()
    {
        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west", "gdpr")));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west", "gdpr")));

        var record = Assert.Single(await _regions.ListAsync());
        Assert.Equal("eu-west", record.Region);
        Assert.Equal(StateFixtures.T0, record.RegisteredAt);
        Assert.Equal(StateFixtures.T0.AddSeconds(1), record.LastSeen);
        Assert.True(record.Connected);
        Assert.Equal(["gdpr"], Assert.Single(record.Pools).Compliance);
        var registered = Assert.Single(await EventsAsync());
        Assert.Equal(ClusterEventType.RegionRegistered, registered.Type);
        Assert.Equal(RegionMessages.Registered("eu-west", "http://127.0.0.1:1/eu-west/", 1), registered.Message);
    }

    [Fact]
    public async Task ReportAsync_Answer_ListsOwnAndEveryConnectedChildsRegions()
    {
        await RegionFixtures.PutPoolAsync(_store, RegionFixtures.Pool("us-east", "us-east"));
        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west")));

        var answer = await _regions.ReportAsync(RegionFixtures.Report("ap-south", RegionFixtures.Pool("ap-south-1", "ap-south")));

        Assert.Equal("global", answer.Parent);
        Assert.Equal(["ap-south", "eu-west", "global", "us-east"], answer.Regions);
    }

    [Theory]
    [InlineData("EU_West", "http://127.0.0.1:1/")]
    [InlineData("eu-west", "not a url")]
    [InlineData("eu-west", "ftp://127.0.0.1/")]
    [InlineData("global", "http://127.0.0.1:1/")]
    public async Task ReportAsync_BadRegionOrAddress_RefusedAndNothingWritten(string region, string address)
    {
        var refused = await Assert.ThrowsAsync<ApiRequestException>(() =>
            _regions.ReportAsync(RegionFixtures.Report(region) with { Address = address }));

        Assert.Equal(ApiFault.Invalid, refused.Fault);
        Assert.Contains(region == "global" ? "own region" : region == "eu-west" ? address : region, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await _regions.ListAsync());
        Assert.Empty(await EventsAsync());
    }

    [Fact]
    public async Task MarkSilentAsync_ChildSilentLongerThanAllowed_MarkedDisconnectedOnceWithEvent()
    {
        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west")));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await _regions.MarkSilentAsync());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _regions.MarkSilentAsync());
        Assert.Equal(0, await _regions.MarkSilentAsync());

        Assert.False(Assert.Single(await _regions.ListAsync()).Connected);
        Assert.Equal(FleetRegions.DisconnectedStatus, Assert.Single(await _regions.ViewsAsync()).Status);
        Assert.Empty(await _regions.RemotePoolsAsync());
        Assert.Null(await _regions.OwnerOfPoolAsync("eu-west-1"));
        Assert.Equal([ClusterEventType.RegionRegistered, ClusterEventType.RegionDisconnected], (await EventsAsync()).Select(e => e.Type));
    }

    [Fact]
    public async Task ReportAsync_AfterDisconnected_ReconnectsWithEventAndOffersPoolsAgain()
    {
        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west")));
        _time.Advance(TimeSpan.FromSeconds(6));
        await _regions.MarkSilentAsync();

        await _regions.ReportAsync(RegionFixtures.Report("eu-west", RegionFixtures.Pool("eu-west-1", "eu-west")));

        var view = Assert.Single(await _regions.ViewsAsync());
        Assert.Equal(FleetRegions.ConnectedStatus, view.Status);
        Assert.Equal(["eu-west-1"], view.Pools);
        Assert.Equal("eu-west", (await _regions.OwnerOfPoolAsync("eu-west-1"))?.Region);
        Assert.Equal(ClusterEventType.RegionReconnected, (await EventsAsync())[^1].Type);
    }
}
