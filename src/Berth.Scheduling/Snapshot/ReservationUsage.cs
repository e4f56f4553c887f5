using Berth.Core.Specs;
using Berth.Scheduling.Plugins;

namespace Berth.Scheduling.Snapshot;

/// <summary>What a reservation reserves, what its workloads use and what it still holds off others, per resource.</summary>
/// <param name="Name">The reservation's name.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Nodes">The nodes it holds capacity on; empty when cluster-wide.</param>
/// <param name="State"><see cref="Active"/>, <see cref="Pending"/> (before its start) or <see cref="Expired"/>.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Start">Its start, null for at once.</param>
/// <param name="Expiry">Its expiry, null for never.</param>
/// <param name="Resources">Per reserved resource, in name order.</param>
public sealed record ReservationUsage(
    string Name,
    string Namespace,
    IReadOnlyList<string> Nodes,
    string State,
    int Priority,
    DateTimeOffset? Start,
    DateTimeOffset? Expiry,
    IReadOnlyList<ReservedResource> Resources)
{
    /// <summary>Holding capacity now.</summary>
    public const string Active = "Active";

    /// <summary>Not started yet: holds nothing.</summary>
    public const string Pending = "Pending";

    /// <summary>Past its expiry: holds nothing.</summary>
    public const string Expired = "Expired";

    /// <summary>The usage of an active reservation's hold.</summary>
    public static ReservationUsage Of(ReservationHold hold)
    {
        ArgumentNullException.ThrowIfNull(hold);
        var resources = new List<ReservedResource>(hold.ResourceNames.Count);
        for (int r = 0; r < hold.ResourceNames.Count; r++)
        {
            var name = hold.ResourceNames[r];
            resources.Add(new ReservedResource(name, ReservationFit.Amount(name, hold.Reserved(r)),
                ReservationFit.Amount(name, hold.Used(r)), ReservationFit.Amount(name, hold.Held(r))));
        }
        return From(hold.Spec, Active, resources);
    }

    /// <summary>The usage of a reservation that is not active at <paramref name="now"/>: reserved, nothing used or held.</summary>
    public static ReservationUsage Inactive(ReservationSpec spec, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int places = spec.IsClusterWide ? 1 : spec.Nodes.Count;
        var resources = spec.Resources
            .Select(kv => new ReservedResource(kv.Key,
                ReservationFit.Amount(kv.Key, Core.Resources.ResourceNames.ToSchedulingUnits(kv.Key, kv.Value) * places), "0", "0"))
            .ToList();
        return From(spec, spec.HasExpiredAt(now) ? Expired : Pending, resources);
    }

    private static ReservationUsage From(ReservationSpec spec, string state, IReadOnlyList<ReservedResource> resources) =>
        new(spec.Name, spec.Namespace, spec.Nodes, state, spec.Priority, spec.Start, spec.Expiry, resources);
}
