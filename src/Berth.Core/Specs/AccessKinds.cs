namespace Berth.Core.Specs;

/// <summary>The kinds a <see cref="RoleRule"/> may name: the API plurals, one per thing the API serves.</summary>
public static class AccessKinds
{
    /// <summary>Workloads.</summary>
    public const string Workloads = "workloads";

    /// <summary>Nodes.</summary>
    public const string Nodes = "nodes";

    /// <summary>Replica assignments.</summary>
    public const string Assignments = "assignments";

    /// <summary>Cluster events.</summary>
    public const string Events = "events";

    /// <summary>Quotas.</summary>
    public const string Quotas = "quotas";

    /// <summary>Priority classes.</summary>
    public const string PriorityClasses = "priorityclasses";

    /// <summary>Reservations.</summary>
    public const string Reservations = "reservations";

    /// <summary>Fleet pools.</summary>
    public const string Pools = "pools";

    /// <summary>Fleet node classes.</summary>
    public const string NodeClasses = "nodeclasses";

    /// <summary>Fleet placement policies.</summary>
    public const string PlacementPolicies = "placementpolicies";

    /// <summary>Fleet clusters.</summary>
    public const string Clusters = "clusters";

    /// <summary>Child region control planes.</summary>
    public const string Regions = "regions";

    /// <summary>Servers of the control plane.</summary>
    public const string Servers = "servers";

    /// <summary>Replica logs.</summary>
    public const string Logs = "logs";

    /// <summary>Prometheus metrics.</summary>
    public const string Metrics = "metrics";

    /// <summary>Roles.</summary>
    public const string Roles = "roles";

    /// <summary>Role bindings.</summary>
    public const string RoleBindings = "rolebindings";

    /// <summary>API tokens.</summary>
    public const string Tokens = "tokens";

    /// <summary>The audit log.</summary>
    public const string Audit = "audit";

    /// <summary>Automation rules.</summary>
    public const string Rules = "rules";

    /// <summary>Recorded webhook deliveries of rules.</summary>
    public const string WebhookDeliveries = "webhookdeliveries";

    /// <summary>Node bootstrap tokens.</summary>
    public const string BootstrapTokens = "bootstraptokens";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Workloads, Nodes, Assignments, Events, Quotas, PriorityClasses, Reservations, Pools, NodeClasses, PlacementPolicies,
        Clusters, Regions, Servers, Logs, Metrics, Roles, RoleBindings, Tokens, Audit, Rules, WebhookDeliveries, BootstrapTokens,
    ];
}
