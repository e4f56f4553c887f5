using System.Globalization;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Plugins;

namespace Berth.Server.Reservations;

/// <summary>What the server says about reservations in events and answers.</summary>
public static class ReservationKeeperMessages
{
    /// <summary>The <see cref="State.ClusterEventType.ReservationExpired"/> event's message.</summary>
    public static string Expired(ReservationSpec spec, int users)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var where = spec.IsClusterWide ? "in the cluster" : $"on each of {string.Join(", ", spec.Nodes)}";
        var resources = string.Join(", ", spec.Resources.Select(kv => $"{kv.Key}={ReservationFit.Amount(kv.Key, ResourceNames.ToSchedulingUnits(kv.Key, kv.Value))}"));
        var expiry = spec.Expiry?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
        return string.Create(CultureInfo.InvariantCulture,
            $"reservation {spec.Key} expired at {expiry} and was removed: {resources} {where} is no longer held; {users} replica(s) using it keep running");
    }
}
