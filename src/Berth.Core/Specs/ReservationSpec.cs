using Berth.Core.Resources;

namespace Berth.Core.Specs;

/// <summary>
/// Resources held in advance for one namespace's workloads: on each of the named nodes, or, with no nodes, as an amount
/// anywhere in the cluster. Workloads of the same namespace that name the reservation use the held capacity; nobody
/// else may.
/// </summary>
/// <param name="Name">The reservation's name (a DNS-1123 label); workloads name it in <c>reservation</c>.</param>
/// <param name="Namespace">The namespace whose workloads may use it.</param>
/// <param name="Resources">The amount reserved: on each named node, or in total when cluster-wide.</param>
/// <param name="Nodes">The nodes it holds capacity on; empty for a cluster-wide amount.</param>
/// <param name="Start">When it starts holding capacity; null for at once.</param>
/// <param name="Expiry">When it stops holding capacity and is removed; null for never (scenarios only).</param>
/// <param name="Priority">Among reservations competing for the same free capacity, the higher takes it first.</param>
public sealed record ReservationSpec(
    string Name,
    string Namespace,
    ResourceList Resources,
    IReadOnlyList<string> Nodes,
    DateTimeOffset? Start,
    DateTimeOffset? Expiry,
    int Priority)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";

    /// <summary>True when the amount may be used anywhere rather than on named nodes.</summary>
    public bool IsClusterWide => Nodes.Count == 0;

    /// <summary>True when it holds capacity at <paramref name="now"/>: started and not expired.</summary>
    public bool IsActiveAt(DateTimeOffset now) => (Start is null || Start <= now) && !HasExpiredAt(now);

    /// <summary>True when its expiry has come at <paramref name="now"/>.</summary>
    public bool HasExpiredAt(DateTimeOffset now) => Expiry is { } expiry && expiry <= now;

    /// <summary>Equal when every field is, the node list compared item by item.</summary>
    public bool Equals(ReservationSpec? other) =>
        other is not null && Name == other.Name && Namespace == other.Namespace && Resources.Equals(other.Resources)
        && Nodes.SequenceEqual(other.Nodes) && Start == other.Start && Expiry == other.Expiry && Priority == other.Priority;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Namespace, Priority);
}
