namespace Berth.Core.Manifests;

/// <summary>The API version and the kinds of object a manifest may hold (spec/manifests.md).</summary>
public static class ManifestKinds
{
    /// <summary>The only API version manifests may give.</summary>
    public const string ApiVersion = "berth.dev/v1";

    /// <summary>A workload: replicas of processes with their needs and placement rules.</summary>
    public const string Workload = "Workload";

    /// <summary>Resources held in advance for a namespace's workloads.</summary>
    public const string Reservation = "Reservation";

    /// <summary>A named priority that workloads refer to by <c>priorityClassName</c>.</summary>
    public const string PriorityClass = "PriorityClass";

    /// <summary>Kinds that can be applied now.</summary>
    public static IReadOnlyList<string> Supported { get; } = [Workload, PriorityClass, QuotaManifestReader.Kind, Reservation, PoolManifestReader.Kind, NodeClassManifestReader.Kind, PlacementPolicyManifestReader.Kind, RoleManifestReader.Kind, RoleBindingManifestReader.Kind];

    /// <summary>
    /// Kinds the design names that later issues will add, with the issue that brings each: a manifest naming one gets a
    /// "not supported yet" error rather than "unknown kind", so that a user knows it is planned and not misspelled.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotYetSupported { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Rule"] = "security/automation issue",
    };
}
