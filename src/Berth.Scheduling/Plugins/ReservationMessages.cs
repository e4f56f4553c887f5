namespace Berth.Scheduling.Plugins;

/// <summary>What the scheduler says about reservations (composite formats, invariant culture).</summary>
public static class ReservationMessages
{
    /// <summary>{0} resource, {1} free on ready nodes, {2} held cluster-wide for others, {3} their keys, {4} requested.</summary>
    public const string ClusterWideHeld =
        "Insufficient {0}: {1} free on ready nodes, of which {2} is held by cluster-wide reservation(s) {3}; the replica asks for {4}";

    /// <summary>{0} resource, {1} the reservations holding it on the node.</summary>
    public const string NodeHeld = "Insufficient {0}: held by reservation(s) {1}";

    /// <summary>{0} the replica's reservation.</summary>
    public const string OutsideReservation = "node(s) outside reservation {0}, which has room for the replica on its nodes";
}
