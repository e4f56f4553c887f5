using System.Diagnostics;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>Waits on conditions with a bound (never a fixed sleep).</summary>
internal static class Eventually
{
    /// <summary>The default bound of one wait: generous for a loaded 2-core machine, far below the test's own limit.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(45);

    /// <summary>Polls <paramref name="condition"/> every 100 ms until true; fails naming <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var bound = limit ?? Limit;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > bound)
            {
                Assert.Fail($"timed out after {bound.TotalSeconds:0} s waiting for {what}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Like the other overload, for a synchronous condition.</summary>
    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        WaitAsync(() => Task.FromResult(condition()), what, limit);

    /// <summary>Polls <paramref name="read"/> until it returns a value that is not null; that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, string what, TimeSpan? limit = null) where T : class
    {
        T? value = null;
        await WaitAsync(async () => (value = await read()) is not null, what, limit);
        return value!;
    }
}
