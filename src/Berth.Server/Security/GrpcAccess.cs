using Berth.Core.Specs;
using Berth.Server.State;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Security;

/// <summary>
/// What each method of the public gRPC API (<c>berth.v1.Berth</c>) needs, the counterpart of its REST endpoint's
/// <see cref="AccessRequirement"/>: verb, kind and namespace from the request message, and whether it mutates (audited).
/// A method not listed needs admin.
/// </summary>
/// <param name="Verb">The verb.</param>
/// <param name="Kind">The kind (empty for a per-document method).</param>
/// <param name="Namespace">The namespace from the message; empty for cluster-wide.</param>
/// <param name="Name">The object named in the message, or empty.</param>
/// <param name="Mutating">True for a method that changes state (audited).</param>
public sealed record GrpcAccess(string Verb, string Kind, string Namespace, string Name, bool Mutating)
{
    /// <summary>Each manifest document is authorized by the operation (Apply, Plan).</summary>
    public bool PerDocument { get; init; }

    /// <summary>Needs admin (a method this table does not know).</summary>
    public bool AdminOnly { get; init; }

    /// <summary>What <paramref name="method"/> (the short name, e.g. <c>Apply</c>) needs for <paramref name="request"/>.</summary>
    public static GrpcAccess Of(string method, object request) => (method, request) switch
    {
        ("Apply", _) => new(AccessVerbs.Apply, "", "", "", true) { PerDocument = true },
        ("Plan", _) => new(AccessVerbs.Plan, "", "", "", false) { PerDocument = true },
        ("ListWorkloads", _) => Read(AccessVerbs.List, AccessKinds.Workloads),
        ("GetWorkload", V1.GetWorkloadRequest r) => new(AccessVerbs.Get, AccessKinds.Workloads, r.Namespace, r.Name, false),
        ("DeleteWorkload", V1.DeleteWorkloadRequest r) => new(AccessVerbs.Delete, AccessKinds.Workloads, r.Namespace, r.Name, true),
        ("ScaleWorkload", V1.ScaleWorkloadRequest r) => new(AccessVerbs.Scale, AccessKinds.Workloads, r.Namespace, r.Name, true),
        ("StopWorkload", V1.StopWorkloadRequest r) => new(AccessVerbs.Stop, AccessKinds.Workloads, r.Namespace, r.Name, true),
        ("StartWorkload", V1.StartWorkloadRequest r) => new(AccessVerbs.Start, AccessKinds.Workloads, r.Namespace, r.Name, true),
        ("ListNodes", _) => Read(AccessVerbs.List, AccessKinds.Nodes),
        ("CordonNode", V1.CordonNodeRequest r) => new(AccessVerbs.Cordon, AccessKinds.Nodes, "", r.Name, true),
        ("UncordonNode", V1.UncordonNodeRequest r) => new(AccessVerbs.Uncordon, AccessKinds.Nodes, "", r.Name, true),
        ("DrainNode", V1.DrainNodeRequest r) => new(AccessVerbs.Drain, AccessKinds.Nodes, "", r.Name, true),
        ("ListAssignments", _) => Read(AccessVerbs.List, AccessKinds.Assignments),
        ("ListEvents", _) => Read(AccessVerbs.List, AccessKinds.Events),
        ("WatchEvents", _) => Read(AccessVerbs.Watch, AccessKinds.Events),
        ("ReplicaLogs", V1.ReplicaLogsRequest r) => new(r.Follow ? AccessVerbs.Watch : AccessVerbs.Get, AccessKinds.Logs, r.Namespace, r.Name, false),
        ("ListServers", _) => Read(AccessVerbs.List, AccessKinds.Servers),
        ("ListObjects", V1.ListObjectsRequest r) => Read(AccessVerbs.List, Plural(r.Kind)),
        ("DeleteObject", V1.DeleteObjectRequest r) => new(AccessVerbs.Delete, Plural(r.Kind), r.Namespace, r.Name, true),
        ("ListQuotas", _) => Read(AccessVerbs.List, AccessKinds.Quotas),
        ("Rebalance", V1.RebalanceRequest r) => new(AccessVerbs.Rebalance, AccessKinds.Clusters, "", r.Workload, true),
        _ => new(RoleRule.Wildcard, RoleRule.Wildcard, "", "", true) { AdminOnly = true },
    };

    private static GrpcAccess Read(string verb, string kind) => new(verb, kind, "", "", false);

    private static string Plural(string kind) => ObjectKinds.Find(kind)?.Plural ?? kind.ToLowerInvariant();
}
