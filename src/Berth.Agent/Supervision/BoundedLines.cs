namespace Berth.Agent.Supervision;

/// <summary>
/// The last <c>capacity</c> lines written to it, thread-safe (stdout and stderr arrive on different threads). Lines
/// are numbered from 0 in the order written, so a reader can take "what is new since N" (<see cref="Since"/>).
/// </summary>
internal sealed class BoundedLines(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();
    private long _written;

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(line);
            _written++;
        }
    }

    /// <summary>The kept lines numbered <paramref name="from"/> or later (from the oldest kept when those fell off), and the number after the last.</summary>
    public (IReadOnlyList<string> Lines, long Next) Since(long from)
    {
        lock (_gate)
        {
            long oldest = _written - _lines.Count;
            int skip = (int)Math.Clamp(from - oldest, 0, _lines.Count);
            return (_lines.Skip(skip).ToArray(), _written);
        }
    }

    /// <summary>The last <paramref name="count"/> lines joined by '\n'.</summary>
    public string Last(int count)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join('\n', _lines);
        }
    }
}
