using System.Globalization;
using System.Runtime.InteropServices;

namespace Berth.Agent.Supervision;

/// <summary>
/// Signals for a replica's processes and the children they started, for a graceful stop: SIGTERM to the whole tree
/// first, SIGKILL to what is left after the grace. Linux only (the tree comes from <c>/proc</c>); elsewhere the
/// supervisor kills at once, as before.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>True where the tree can be read and signalled.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>
    /// <paramref name="roots"/> and every process descending from them, read from <c>/proc</c> now: collected before the
    /// roots are signalled, since a child whose parent has exited is re-parented and can no longer be found from it.
    /// </summary>
    public static IReadOnlyList<int> WithDescendants(IReadOnlyList<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && ParentOf(dir) is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(pid);
            }
        }
        var tree = new List<int>();
        var next = new Queue<int>(roots);
        while (next.Count > 0)
        {
            int pid = next.Dequeue();
            if (tree.Contains(pid))
            {
                continue;
            }
            tree.Add(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                next.Enqueue(child);
            }
        }
        return tree;
    }

    /// <summary>Asks each process to stop (SIGTERM); processes already gone are skipped.</summary>
    public static void Terminate(IReadOnlyList<int> pids)
    {
        foreach (var pid in pids)
        {
            _ = Kill(pid, SigTerm);
        }
    }

    /// <summary>Kills each process still there (SIGKILL).</summary>
    public static void Kill(IReadOnlyList<int> pids)
    {
        foreach (var pid in pids)
        {
            _ = Kill(pid, SigKill);
        }
    }

    // /proc/<pid>/stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    private static int? ParentOf(string dir)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var rest = stat.AsSpan(stat.LastIndexOf(')') + 1).Trim();
            var fields = rest.ToString().Split(' ', 3);
            return fields.Length >= 2 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent) ? parent : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended while the table was read.
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
