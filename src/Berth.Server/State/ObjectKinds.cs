namespace Berth.Server.State;

/// <summary>
/// The kinds <c>apply -f</c> stores besides workloads. A new kind is one line here plus its spec record, its manifest
/// reader and its entry in <c>StateJsonContext</c>; apply, delete, <c>GET /v1/objects/{plural}</c> and the cluster
/// cache then handle it.
/// </summary>
public static class ObjectKinds
{
    /// <summary>Every kind, in the order a manifest's objects of different kinds are reported.</summary>
    public static IReadOnlyList<ObjectKind> All { get; } =
    [
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
