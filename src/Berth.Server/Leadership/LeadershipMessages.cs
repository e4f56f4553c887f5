using System.Globalization;

namespace Berth.Server.Leadership;

/// <summary>User-visible messages of leader election, fencing and the server registry.</summary>
public static class LeadershipMessages
{
    /// <summary>Role of the server that holds the leader key.</summary>
    public const string LeaderRole = "leader";

    /// <summary>Role of every other running server.</summary>
    public const string FollowerRole = "follower";

    /// <summary><c>--server-id</c> is not usable.</summary>
    public static string BadServerId(string value, string reason) =>
        $"--server-id '{value}' is not a valid server id: {reason}. Use lower-case letters, digits, '-' and '.', e.g. --server-id berth-1.";

    /// <summary><c>--leader-lease</c> is out of range.</summary>
    public static string BadLeaderLease(TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture,
            $"--leader-lease {value.TotalSeconds:0.###}s is out of range: it must be between {LeaderElection.MinimumLease.TotalSeconds:0}s (etcd grants whole seconds) and {LeaderElection.MaximumLease.TotalMinutes:0}m, e.g. --leader-lease 5s.");

    /// <summary>A fenced write found the leader key gone or taken by another term.</summary>
    public static string LeadershipLost(string serverId, long term) =>
        string.Create(CultureInfo.InvariantCulture,
            $"server '{serverId}' is no longer the leader (its term {term} ended): the write was refused and nothing was written; the current leader carries on.");

    /// <summary>A fenced write was attempted while this server does not lead.</summary>
    public static string NotLeader(string serverId) =>
        $"server '{serverId}' is not the leader: only the leader's control loop writes through the fence, and nothing was written.";

    /// <summary>A fenced transaction had writes in its failure branch, which the fence could not stop.</summary>
    public const string FailureBranchWrites =
        "a fenced transaction must not write in its failure branch: when the leadership compare fails the failure branch runs, so its writes would escape the fence. Read in the failure branch and write in a new transaction.";

    /// <summary><c>/readyz</c> of a server that does not know a leader yet.</summary>
    public const string NoLeaderYet = "no leader elected yet";
}
