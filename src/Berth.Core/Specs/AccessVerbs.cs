namespace Berth.Core.Specs;

/// <summary>
/// The verbs a <see cref="RoleRule"/> may name; each API endpoint and gRPC method needs one of them on one kind
/// (docs/security.md lists which).
/// </summary>
public static class AccessVerbs
{
    /// <summary>Read one object (or a listing that is not a kind's collection, e.g. a workload's logs).</summary>
    public const string Get = "get";

    /// <summary>List a kind's objects.</summary>
    public const string List = "list";

    /// <summary>Follow a stream of changes (events with <c>follow=true</c>, WatchEvents).</summary>
    public const string Watch = "watch";

    /// <summary>Create or update objects from a manifest.</summary>
    public const string Apply = "apply";

    /// <summary>Delete an object.</summary>
    public const string Delete = "delete";

    /// <summary>Change a workload's replica count.</summary>
    public const string Scale = "scale";

    /// <summary>Stop a workload.</summary>
    public const string Stop = "stop";

    /// <summary>Start a stopped workload again.</summary>
    public const string Start = "start";

    /// <summary>Mark a node unschedulable.</summary>
    public const string Cordon = "cordon";

    /// <summary>Mark a node schedulable again.</summary>
    public const string Uncordon = "uncordon";

    /// <summary>Move a node's replicas away.</summary>
    public const string Drain = "drain";

    /// <summary>Preview what an apply would do.</summary>
    public const string Plan = "plan";

    /// <summary>Run a fleet rebalance pass.</summary>
    public const string Rebalance = "rebalance";

    /// <summary>Create a token (or a region report, a bootstrap token).</summary>
    public const string Create = "create";

    /// <summary>Revoke a token.</summary>
    public const string Revoke = "revoke";

    /// <summary>Every verb, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Get, List, Watch, Apply, Delete, Scale, Stop, Start, Cordon, Uncordon, Drain, Plan, Rebalance, Create, Revoke];

    /// <summary>The verbs that only read: a viewer has these.</summary>
    public static IReadOnlyList<string> ReadOnly { get; } = [Get, List, Watch];
}
