namespace Berth.Server.Leadership;

/// <summary>
/// One uninterrupted period in which this server leads. <see cref="Revision"/> (the leader key's create revision) names
/// the term: every campaign that wins creates the key anew, so no two terms share it, and the fence compares it.
/// </summary>
public sealed class LeadershipTerm
{
    private readonly CancellationTokenSource _lost = new();

    internal LeadershipTerm(string serverId, long revision, long leaseId, DateTimeOffset since)
    {
        ServerId = serverId;
        Revision = revision;
        LeaseId = leaseId;
        Since = since;
        Lost = _lost.Token;
    }

    /// <summary>The leading server.</summary>
    public string ServerId { get; }

    /// <summary>The leader key's create revision: the term number shown by <c>berth get servers</c> and compared by the fence.</summary>
    public long Revision { get; }

    /// <summary>The lease the leader key is attached to.</summary>
    public long LeaseId { get; }

    /// <summary>When the campaign was won.</summary>
    public DateTimeOffset Since { get; }

    /// <summary>Cancelled the moment the term ends (lease not renewed, key changed or gone, resignation, fence refusal).</summary>
    public CancellationToken Lost { get; }

    /// <summary>True once the term has ended.</summary>
    public bool IsLost => Lost.IsCancellationRequested;

    /// <summary>Ends the term; true for the call that ended it.</summary>
    internal bool End()
    {
        lock (_lost)
        {
            if (_lost.IsCancellationRequested)
            {
                return false;
            }
            _lost.Cancel();
            return true;
        }
    }
}
