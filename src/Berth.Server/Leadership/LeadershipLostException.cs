namespace Berth.Server.Leadership;

/// <summary>
/// A write through the <see cref="LeadershipFence"/> was refused because this server no longer leads (or never led):
/// nothing was written. Not a conflict to retry: the caller's leader work is over, and the new leader redoes it.
/// </summary>
public sealed class LeadershipLostException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="serverId"/>, whose term <paramref name="term"/> ended (0: it held none).</summary>
    public LeadershipLostException(string serverId, long term)
        : base(term == 0 ? LeadershipMessages.NotLeader(serverId) : LeadershipMessages.LeadershipLost(serverId, term))
    {
        ServerId = serverId;
        Term = term;
    }

    /// <summary>The server whose write was refused.</summary>
    public string ServerId { get; }

    /// <summary>The term the write was made in (the leader key's create revision), or 0 when the server held none.</summary>
    public long Term { get; }
}
