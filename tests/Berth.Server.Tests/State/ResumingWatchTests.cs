using System.Text;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.State;

public sealed class ResumingWatchTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WatchPrefix_FromACompactedRevision_ReportsTheResumePointThenStreamsLaterChanges()
    {
        await using var state = new StateHarness();
        await state.Store.PutAsync("/things/a", "1");
        long compactedAt = await state.Store.PutAsync("/things/a", "2");
        await state.Store.CompactAsync(compactedAt);
        var resumedAfter = new List<long>();
        using var deadline = new CancellationTokenSource(WaitLimit);

        await using var changes = ResumingWatch.WatchPrefixAsync(state.Store, "/things/", 1, resumedAfter.Add, deadline.Token).GetAsyncEnumerator(deadline.Token);
        var next = changes.MoveNextAsync().AsTask();
        long later = await state.Store.PutAsync("/things/b", "3");
        Assert.True(await next);

        Assert.Equal([compactedAt], resumedAfter);
        Assert.Equal(("/things/b", later, "3"), (changes.Current.Kv.Key, changes.Current.Kv.ModRevision, Encoding.UTF8.GetString(changes.Current.Kv.Value.Span)));
    }

    [Fact]
    public async Task WatchPrefix_HistoryKept_StreamsItWithoutAResume()
    {
        await using var state = new StateHarness();
        long first = await state.Store.PutAsync("/things/a", "1");
        var resumedAfter = new List<long>();
        using var deadline = new CancellationTokenSource(WaitLimit);

        await using var changes = ResumingWatch.WatchPrefixAsync(state.Store, "/things/", first, resumedAfter.Add, deadline.Token).GetAsyncEnumerator(deadline.Token);

        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(first, changes.Current.Kv.ModRevision);
        Assert.Empty(resumedAfter);
    }
}
