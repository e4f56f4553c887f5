namespace Berth.Store.Tests.Fixtures;

/// <summary>Bounded waits on watch streams: tests wait for a number of events, never for a fixed time.</summary>
public static class Watching
{
    /// <summary>Generous bound for an event that should arrive at once; reached only when the test is failing.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Collects exactly <paramref name="count"/> events from an already-started enumerator or fails after <see cref="Timeout"/>.</summary>
    public static async Task<List<WatchEvent>> TakeAsync(this IAsyncEnumerator<WatchEvent> events, int count)
    {
        var taken = new List<WatchEvent>(count);
        while (taken.Count < count)
        {
            var moved = events.MoveNextAsync().AsTask();
            if (await Task.WhenAny(moved, Task.Delay(Timeout)) != moved)
            {
                Assert.Fail($"Timed out after {Timeout} waiting for watch event {taken.Count + 1} of {count}; got: {string.Join(", ", taken.Select(Describe))}.");
            }

            Assert.True(await moved, $"Watch ended after {taken.Count} of {count} events.");
            taken.Add(events.Current);
        }

        return taken;
    }

    /// <summary>Short form such as "put /a@3" for assertion messages.</summary>
    public static string Describe(WatchEvent e) => $"{e.Type.ToString().ToLowerInvariant()} {e.Kv.Key}@{e.Revision}";
}
