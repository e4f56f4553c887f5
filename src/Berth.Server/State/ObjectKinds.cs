using Berth.Core.Manifests;

namespace Berth.Server.State;

/// <summary>
/// The kinds <c>apply -f</c> stores besides workloads. A new kind is one line here (<see cref="ObjectKind.Of"/>), its
/// spec record and manifest reader in Berth.Core, its name moved from <c>ManifestKinds.NotYetSupported</c> to
/// <c>ManifestKinds.Supported</c>, and its spec type in <c>StateJsonContext</c>; apply (one transaction with the
/// workloads), <c>berth delete KIND</c>, <c>GET /v1/objects/{plural}</c>, <c>berth get PLURAL</c> and the cluster cache
/// (<see cref="ClusterCache.Objects"/>) then handle it.
/// </summary>
public static class ObjectKinds
{
    /// <summary>Resources held in advance for a namespace (<see cref="Berth.Core.Specs.ReservationSpec"/>).</summary>
    public static ObjectKind Reservations { get; } =
        ObjectKind.Of(ReservationManifestReader.Kind, "reservations", namespaced: true, ReservationManifestReader.Read);

    /// <summary>Capacity pools of the fleet (<see cref="Berth.Core.Specs.PoolSpec"/>).</summary>
    public static ObjectKind Pools { get; } =
        ObjectKind.Of(PoolManifestReader.Kind, "pools", namespaced: false, PoolManifestReader.Read);

    /// <summary>Machine shapes pools build clusters from (<see cref="Berth.Core.Specs.NodeClassSpec"/>).</summary>
    public static ObjectKind NodeClasses { get; } =
        ObjectKind.Of(NodeClassManifestReader.Kind, "nodeclasses", namespaced: false, NodeClassManifestReader.Read);

    /// <summary>Fleet-wide placement rules (<see cref="Berth.Core.Specs.PlacementPolicySpec"/>).</summary>
    public static ObjectKind PlacementPolicies { get; } =
        ObjectKind.Of(PlacementPolicyManifestReader.Kind, "placementpolicies", namespaced: false, PlacementPolicyManifestReader.Read);

    /// <summary>Cluster-wide sets of permissions (<see cref="Berth.Core.Specs.RoleSpec"/>).</summary>
    public static ObjectKind Roles { get; } =
        ObjectKind.Of(RoleManifestReader.Kind, "roles", namespaced: false, RoleManifestReader.Read);

    /// <summary>Roles given to users and groups (<see cref="Berth.Core.Specs.RoleBindingSpec"/>).</summary>
    public static ObjectKind RoleBindings { get; } =
        ObjectKind.Of(RoleBindingManifestReader.Kind, "rolebindings", namespaced: false, RoleBindingManifestReader.Read);

    /// <summary>Every kind, in the order a manifest's objects of different kinds are reported.</summary>
    public static IReadOnlyList<ObjectKind> All { get; } =
    [
        ObjectKind.Of(QuotaManifestReader.Kind, "quotas", namespaced: true, QuotaManifestReader.Read),
        Reservations,
        ObjectKind.Of(ManifestKinds.PriorityClass, "priorityclasses", namespaced: false, PriorityClassReader.Read),
        Pools,
        NodeClasses,
        PlacementPolicies,
        Roles,
        RoleBindings,
    ];

    /// <summary>The kind named <paramref name="name"/>: its manifest kind (<c>Quota</c>) or plural (<c>quotas</c>), any case.</summary>
    public static ObjectKind? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var kind in All)
        {
            if (string.Equals(kind.Kind, name, StringComparison.OrdinalIgnoreCase) || string.Equals(kind.Plural, name, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }
        return null;
    }
}
