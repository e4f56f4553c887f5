using System.Globalization;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>What the kernel says about processes, through /proc (the tests run on Linux).</summary>
internal static class ProcessTable
{
    /// <summary>True while the process exists and is not a zombie (an unreaped dead process still has a /proc entry).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = Stat(pid);
        return stat is not null && stat.Value.State is not ('Z' or 'X');
    }

    /// <summary>Every live process whose parent chain leads to <paramref name="pid"/> (not including it).</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                && Stat(id) is { State: not ('Z' or 'X') } stat)
            {
                parents[id] = stat.Parent;
            }
        }
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            int parent = queue.Dequeue();
            foreach (var (child, childParent) in parents)
            {
                if (childParent == parent)
                {
                    found.Add(child);
                    queue.Enqueue(child);
                }
            }
        }
        return found;
    }

    private static (char State, int Parent)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) S ppid ...": the fields follow the last ')', as comm may contain spaces or parentheses.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
            ? (fields[0][0], parent)
            : null;
    }
}
