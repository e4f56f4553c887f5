using System.Diagnostics;

namespace Berth.Agent.Tests;

/// <summary>Waits on conditions with a bound (no fixed sleeps), and checks processes through /proc.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> every 50 ms until true; fails with <paramref name="what"/> after <see cref="Limit"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Limit)
            {
                Assert.Fail($"timed out after {Limit.TotalSeconds} s waiting for {what}");
            }
            await Task.Delay(50);
        }
    }

    public static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(() => Task.FromResult(condition()), what);

    /// <summary>True while the process exists and is not a zombie (an unreaped dead process still has a /proc entry).</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        // "pid (comm) S ...": the state follows the last ')', as comm may contain spaces or parentheses.
        var state = stat[(stat.LastIndexOf(')') + 2)..];
        return state.Length > 0 && state[0] is not ('Z' or 'X');
    }
}
