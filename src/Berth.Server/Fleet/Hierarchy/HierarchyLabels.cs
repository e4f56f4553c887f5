namespace Berth.Server.Fleet.Hierarchy;

/// <summary>Workload labels that record how a fleet workload moved between a parent and a region control plane.</summary>
public static class HierarchyLabels
{
    /// <summary>On a region: the workload was delegated here by the parent (the value: the parent's region, or <see cref="RootName"/>).</summary>
    public const string DelegatedFrom = "berth.dev/delegated-from";

    /// <summary>On a region: the pool the parent chose; the region places the workload in that pool only.</summary>
    public const string DelegatedPool = "berth.dev/delegated-pool";

    /// <summary>On a parent: the workload was escalated here by the region named in the value, which had no pool for it.</summary>
    public const string EscalatedFrom = "berth.dev/escalated-from";

    /// <summary>The name a parent started without <c>--region</c> goes by in <see cref="DelegatedFrom"/>.</summary>
    public const string RootName = "root";
}
