using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Berth.Server.State;

namespace Berth.Server.Logs;

/// <summary>
/// What replicas wrote (stdout and stderr), as their agents push it (PushLogs), kept per replica in a bounded ring
/// (<see cref="ReplicaLogBuffer"/>) for <c>berth logs</c>.
/// </summary>
/// <remarks>
/// Kept in memory only, never in the store: logs are not desired state, nothing decides anything from them, and
/// writing every output line through the store's revisioned transactions would make chatty replicas slow down
/// placement for everyone. A server restart forgets them; lines a replica writes after it reach the new server.
/// A replica's buffer spans its restarts and re-applies (like <c>kubectl logs</c> of one pod name); it is dropped with
/// <see cref="Forget"/> when its workload is deleted.
/// </remarks>
public sealed class ReplicaLogs
{
    /// <summary>The default number of lines kept per replica.</summary>
    public const int DefaultLinesPerReplica = 1000;

    /// <summary>Longest line kept, in characters; longer lines are cut there so one line cannot hold megabytes.</summary>
    public const int MaxLineLength = 8192;

    private readonly ConcurrentDictionary<(WorkloadKey Workload, int Replica), ReplicaLogBuffer> _buffers = new();
    private readonly int _linesPerReplica;

    /// <summary>Creates an empty set of buffers keeping <paramref name="linesPerReplica"/> lines each.</summary>
    public ReplicaLogs(int linesPerReplica = DefaultLinesPerReplica)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(linesPerReplica, 1);
        _linesPerReplica = linesPerReplica;
    }

    /// <summary>Appends <paramref name="lines"/> (oldest first) to the replica's buffer; returns how many were kept.</summary>
    public int Append(WorkloadKey workload, int replica, IReadOnlyCollection<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return 0;
        }
        var buffer = _buffers.GetOrAdd((workload, replica), _ => new ReplicaLogBuffer(_linesPerReplica));
        buffer.Append(lines.Select(line => line.Length <= MaxLineLength ? line : line[..MaxLineLength]));
        return lines.Count;
    }

    /// <summary>The replica's last <paramref name="count"/> lines, oldest first; empty when it wrote nothing yet.</summary>
    public IReadOnlyList<string> Tail(WorkloadKey workload, int replica, int count) =>
        _buffers.TryGetValue((workload, replica), out var buffer) ? buffer.Tail(count).Lines : [];

    /// <summary>
    /// The replica's last <paramref name="tail"/> lines, then each new line as it is pushed, until
    /// <paramref name="cancellationToken"/>. A follower too slow for the ring skips the lines that fell off.
    /// </summary>
    public async IAsyncEnumerable<string> FollowAsync(WorkloadKey workload, int replica, int tail, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Created on demand, so a follower that starts before the replica's first line still sees it.
        var buffer = _buffers.GetOrAdd((workload, replica), _ => new ReplicaLogBuffer(_linesPerReplica));
        var (lines, next) = buffer.Tail(tail);
        while (true)
        {
            foreach (var line in lines)
            {
                yield return line;
            }
            await buffer.WaitAsync(next, cancellationToken).ConfigureAwait(false);
            (lines, next) = buffer.Read(next);
        }
    }

    /// <summary>Drops the buffers of every replica of <paramref name="workload"/>.</summary>
    public void Forget(WorkloadKey workload)
    {
        foreach (var key in _buffers.Keys)
        {
            if (key.Workload == workload)
            {
                _buffers.TryRemove(key, out _);
            }
        }
    }
}
