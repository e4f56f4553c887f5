using System.Globalization;
using Berth.Core.Manifests;

namespace Berth.Server.State;

/// <summary>
/// The control plane's key scheme in the store (DESIGN.md, "State and concurrency"): the one place that builds and
/// parses keys. Every segment is validated, so a key built here always parses back to the same parts.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>/nodes/{node}</c></term><description><see cref="NodeRecord"/>: spec and status.</description></item>
/// <item><term><c>/workloads/{namespace}/{name}</c></term><description><see cref="Berth.Core.Specs.WorkloadSpec"/>; its mod revision is the workload revision.</description></item>
/// <item><term><c>/assignments/{namespace}/{workload}/{replica}</c></term><description><see cref="Assignment"/>: where one replica runs.</description></item>
/// <item><term><c>/allocations/{node}</c></term><description>Allocation guard: rewritten by every apply that places on the node, so its mod revision orders the applies that take the node's room.</description></item>
/// <item><term><c>/events/{id}</c></term><description><see cref="ClusterEvent"/>, immutable; ids are 19-digit UTC ticks, a writer id and a counter, so keys sort by time.</description></item>
/// <item><term><c>/retries/{namespace}/{workload}/{replica}</c></term><description><see cref="RetryState"/> of a failing replica.</description></item>
/// <item><term><c>/reconciliation/{namespace}/{name}</c></term><description>The reconciler's per-workload bookkeeping.</description></item>
/// <item><term><c>/leader</c></term><description>The elected server's id under its campaign lease; its create revision is the leadership term.</description></item>
/// <item><term><c>/servers/{id}</c></term><description><see cref="Leadership.ServerRecord"/>: one running server, under its own lease.</description></item>
/// <item><term><c>/objects/{plural}/[{namespace}/]{name}</c></term><description>The spec of an object of an <see cref="ObjectKind"/> (priority classes, quotas, reservations ...).</description></item>
/// <item><term><c>/heartbeats/{node}</c></term><description><see cref="NodeHeartbeat"/>: the node's last heartbeat, apart from <c>/nodes/{node}</c> so that beats do not move the node's mod revision (which plans compare).</description></item>
/// <item><term><c>/reconciliation/{namespace}/{name}/unschedulable/{replica}</c></term><description>The last unschedulable summary reported for a replica (UTF-8 text), so a restart does not report it again.</description></item>
/// <item><term><c>/reconciliation/{namespace}/{name}/rollout</c></term><description><see cref="Reconciliation.RolloutState"/>: the revision a rolling replacement is bringing the replicas to.</description></item>
/// <item><term><c>/reconciliation/records/{namespace}/{name}/{ticks:D19}-{sequence:D10}</c></term><description><see cref="Reconciliation.ReconciliationRecord"/>: one per reconciler action, the last few per workload kept. The id holds a '-', so it never parses as a replica index under an unschedulable prefix.</description></item>
/// </list>
/// Replica indexes are written as decimal numbers without padding; names cannot contain '/', so the parts never overlap.
/// A workload's prefix ends in '/', so <c>web</c> never matches <c>web-2</c>.
/// </remarks>
public static class KeyLayout
{
    /// <summary>Prefix of node keys.</summary>
    public const string NodesPrefix = "/nodes/";

    /// <summary>Prefix of workload keys.</summary>
    public const string WorkloadsPrefix = "/workloads/";

    /// <summary>Prefix of assignment keys.</summary>
    public const string AssignmentsPrefix = "/assignments/";

    /// <summary>Prefix of allocation guard keys.</summary>
    public const string AllocationsPrefix = "/allocations/";

    /// <summary>Prefix of event keys.</summary>
    public const string EventsPrefix = "/events/";

    /// <summary>Prefix of retry state keys.</summary>
    public const string RetriesPrefix = "/retries/";

    /// <summary>Prefix of reconciliation keys.</summary>
    public const string ReconciliationPrefix = "/reconciliation/";

    /// <summary>Prefix of heartbeat keys.</summary>
    public const string HeartbeatsPrefix = "/heartbeats/";

    /// <summary>The leader key: the elected server's id, attached to its campaign lease; its create revision is the leadership term that fences the leader's writes.</summary>
    public const string Leader = "/leader";

    /// <summary>Prefix of server registrations (<c>/servers/{id}</c>, each under its server's lease).</summary>
    public const string ServersPrefix = "/servers/";

    /// <summary><c>/servers/{id}</c>: one server's registration (<see cref="Leadership.ServerRecord"/>).</summary>
    public static string Server(string serverId) => ServersPrefix + Leadership.ServerIds.Valid(serverId);

    /// <summary>Digits of the tick part of an event id: <see cref="DateTime.MaxValue"/> has 19 digits of ticks, so ids sort as numbers.</summary>
    public const int EventTicksDigits = 19;

    /// <summary><c>/nodes/{node}</c>.</summary>
    public static string Node(string nodeName) => NodesPrefix + ValidNodeName(nodeName);

    /// <summary><c>/allocations/{node}</c>.</summary>
    public static string Allocation(string nodeName) => AllocationsPrefix + ValidNodeName(nodeName);

    /// <summary><c>/heartbeats/{node}</c>.</summary>
    public static string Heartbeat(string nodeName) => HeartbeatsPrefix + ValidNodeName(nodeName);

    /// <summary><c>/workloads/{namespace}/{name}</c>.</summary>
    public static string Workload(WorkloadKey workload) => WorkloadsPrefix + Valid(workload).ToString();

    /// <summary><c>/assignments/{namespace}/{workload}/{replica}</c>.</summary>
    public static string Assignment(WorkloadKey workload, int replica) =>
        AssignmentsOf(workload) + ValidReplica(replica).ToString(CultureInfo.InvariantCulture);

    /// <summary><c>/assignments/{namespace}/{workload}/</c>: the prefix of every assignment of one workload.</summary>
    public static string AssignmentsOf(WorkloadKey workload) => AssignmentsPrefix + Valid(workload).ToString() + "/";

    /// <summary><c>/retries/{namespace}/{workload}/{replica}</c>.</summary>
    public static string Retry(WorkloadKey workload, int replica) =>
        RetriesPrefix + Valid(workload).ToString() + "/" + ValidReplica(replica).ToString(CultureInfo.InvariantCulture);

    /// <summary><c>/retries/{namespace}/{workload}/</c>: the prefix of every retry state of one workload.</summary>
    public static string RetriesOf(WorkloadKey workload) => RetriesPrefix + Valid(workload).ToString() + "/";

    /// <summary><c>/reconciliation/{namespace}/{name}</c>.</summary>
    public static string Reconciliation(WorkloadKey workload) => ReconciliationPrefix + Valid(workload).ToString();

    /// <summary><c>/reconciliation/{namespace}/{name}/unschedulable/{replica}</c>: the last unschedulable summary reported for a replica.</summary>
    public static string Unschedulable(WorkloadKey workload, int replica) =>
        UnschedulableOf(workload) + ValidReplica(replica).ToString(CultureInfo.InvariantCulture);

    /// <summary><c>/reconciliation/{namespace}/{name}/unschedulable/</c>: the prefix of every unschedulable summary of one workload.</summary>
    public static string UnschedulableOf(WorkloadKey workload) => Reconciliation(workload) + UnschedulableSegment;

    /// <summary>Reads workload and replica from <c>/reconciliation/{namespace}/{name}/unschedulable/{replica}</c>.</summary>
    public static bool TryParseUnschedulable(string key, out WorkloadKey workload, out int replica)
    {
        workload = default;
        replica = -1;
        if (!TryRest(key, ReconciliationPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        if (parts.Length != 4 || parts[2] != "unschedulable"
            || !TryParseReplicaKey(ReconciliationPrefix, ReconciliationPrefix + parts[0] + "/" + parts[1] + "/" + parts[3], out workload, out replica))
        {
            workload = default;
            replica = -1;
            return false;
        }
        return true;
    }

    private const string UnschedulableSegment = "/unschedulable/";

    /// <summary><c>/reconciliation/{namespace}/{name}/released/{replica}</c>: the node a replica was released from, until it is placed again (<see cref="ReleaseMarker"/>).</summary>
    public static string Released(WorkloadKey workload, int replica) =>
        ReleasedOf(workload) + ValidReplica(replica).ToString(CultureInfo.InvariantCulture);

    /// <summary><c>/reconciliation/{namespace}/{name}/released/</c>: the prefix of every release marker of one workload.</summary>
    public static string ReleasedOf(WorkloadKey workload) => Reconciliation(workload) + ReleasedSegment;

    /// <summary>Reads workload and replica from <c>/reconciliation/{namespace}/{name}/released/{replica}</c>.</summary>
    public static bool TryParseReleased(string key, out WorkloadKey workload, out int replica)
    {
        workload = default;
        replica = -1;
        if (!TryRest(key, ReconciliationPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        if (parts.Length != 4 || parts[2] != "released"
            || !TryParseReplicaKey(ReconciliationPrefix, ReconciliationPrefix + parts[0] + "/" + parts[1] + "/" + parts[3], out workload, out replica))
        {
            workload = default;
            replica = -1;
            return false;
        }
        return true;
    }

    private const string ReleasedSegment = "/released/";

    /// <summary>Prefix of reconciliation records.</summary>
    public const string ReconciliationRecordsPrefix = ReconciliationPrefix + "records/";

    /// <summary>
    /// Every bookkeeping key under <c>/reconciliation/</c> (summaries, rollouts, release markers) without the records,
    /// which are many more and never needed where every workload's bookkeeping is: the two ranges around
    /// <see cref="ReconciliationRecordsPrefix"/>.
    /// </summary>
    public static IReadOnlyList<Berth.Store.KeyRange> BookkeepingRanges { get; } =
    [
        Berth.Store.KeyRange.Between(ReconciliationPrefix, ReconciliationRecordsPrefix),
        Berth.Store.KeyRange.Between(ReconciliationPrefix + "records0", ReconciliationPrefix[..^1] + "0"),
    ];

    /// <summary><c>/reconciliation/{namespace}/{name}/rollout</c>: the rolling replacement in progress, if any.</summary>
    public static string Rollout(WorkloadKey workload) => Reconciliation(workload) + RolloutSegment;

    /// <summary><c>/reconciliation/{namespace}/{name}/</c>: the prefix of every bookkeeping key of one workload (summaries, rollout).</summary>
    public static string ReconciliationOf(WorkloadKey workload) => Reconciliation(workload) + "/";

    /// <summary><c>/reconciliation/records/{namespace}/{name}/</c>: the prefix of every reconciliation record of one workload.</summary>
    public static string ReconciliationRecordsOf(WorkloadKey workload) => ReconciliationRecordsPrefix + Valid(workload).ToString() + "/";

    /// <summary><c>/reconciliation/records/{namespace}/{name}/{ticks:D19}-{sequence:D10}</c>: keys sort by time, then by the writer's counter.</summary>
    public static string ReconciliationRecord(WorkloadKey workload, DateTimeOffset time, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return string.Create(CultureInfo.InvariantCulture, $"{ReconciliationRecordsOf(workload)}{time.UtcTicks:D19}-{sequence:D10}");
    }

    /// <summary>Reads the workload from <c>/reconciliation/{namespace}/{name}/rollout</c>.</summary>
    public static bool TryParseRollout(string key, out WorkloadKey workload)
    {
        workload = default;
        if (!TryRest(key, ReconciliationPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        if (parts.Length != 3 || parts[2] != "rollout" || !TryWorkload(parts[0], parts[1], out workload))
        {
            workload = default;
            return false;
        }
        return true;
    }

    private const string RolloutSegment = "/rollout";

    /// <summary><c>/events/{ticks:D19}-{writer}-{sequence:D10}</c>.</summary>
    /// <param name="time">When the event happened; the key sorts by it.</param>
    /// <param name="writer">Distinguishes writers, lower-case letters and digits (1 to 16).</param>
    /// <param name="sequence">The writer's counter, so one writer never repeats a key.</param>
    public static string Event(DateTimeOffset time, string writer, long sequence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.Length is 0 or > 16 || !writer.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
        {
            throw new ArgumentException(StateMessages.InvalidEventWriter(writer), nameof(writer));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return string.Create(CultureInfo.InvariantCulture, $"{EventsPrefix}{time.UtcTicks:D19}-{writer}-{sequence:D10}");
    }

    /// <summary>Reads the node name from <c>/nodes/{node}</c>.</summary>
    public static bool TryParseNode(string key, out string nodeName) => TryParseNodeUnder(NodesPrefix, key, out nodeName);

    /// <summary>Reads the node name from <c>/allocations/{node}</c>.</summary>
    public static bool TryParseAllocation(string key, out string nodeName) => TryParseNodeUnder(AllocationsPrefix, key, out nodeName);

    /// <summary>Reads the node name from <c>/heartbeats/{node}</c>.</summary>
    public static bool TryParseHeartbeat(string key, out string nodeName) => TryParseNodeUnder(HeartbeatsPrefix, key, out nodeName);

    /// <summary>Reads the workload from <c>/workloads/{namespace}/{name}</c>.</summary>
    public static bool TryParseWorkload(string key, out WorkloadKey workload)
    {
        workload = default;
        if (!TryRest(key, WorkloadsPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        return parts.Length == 2 && TryWorkload(parts[0], parts[1], out workload);
    }

    /// <summary>Reads workload and replica from <c>/assignments/{namespace}/{workload}/{replica}</c>.</summary>
    public static bool TryParseAssignment(string key, out WorkloadKey workload, out int replica) =>
        TryParseReplicaKey(AssignmentsPrefix, key, out workload, out replica);

    /// <summary>Reads workload and replica from <c>/retries/{namespace}/{workload}/{replica}</c>.</summary>
    public static bool TryParseRetry(string key, out WorkloadKey workload, out int replica) =>
        TryParseReplicaKey(RetriesPrefix, key, out workload, out replica);

    /// <summary>Reads the event time from <c>/events/{ticks}-{writer}-{sequence}</c>.</summary>
    public static bool TryParseEvent(string key, out DateTimeOffset time)
    {
        time = default;
        if (!TryRest(key, EventsPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('-');
        if (parts.Length != 3 || parts[0].Length != EventTicksDigits || parts[2].Length != 10
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks
            || !parts[2].All(char.IsAsciiDigit))
        {
            return false;
        }
        time = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Prefix of the fleet clusters Berth created (<see cref="Berth.Core.Fleet.FleetCluster"/>).</summary>
    public const string FleetClustersPrefix = "/fleet/clusters/";

    /// <summary><c>/fleet/clusters/{name}</c>.</summary>
    public static string FleetCluster(string name) => FleetClustersPrefix + ValidNodeName(name);

    /// <summary>Prefix of fleet placement decisions, one per fleet workload.</summary>
    public const string FleetDecisionsPrefix = "/fleet/decisions/";

    /// <summary><c>/fleet/decisions/{namespace}/{name}</c>: the fleet workload's current placement over pools and clusters.</summary>
    public static string FleetDecision(WorkloadKey workload) => FleetDecisionsPrefix + Valid(workload).ToString();

    /// <summary>Prefix of the child region control planes known to this one.</summary>
    public const string FleetRegionsPrefix = "/fleet/regions/";

    /// <summary><c>/fleet/regions/{region}</c>: a child control plane, its address and the pools it owns.</summary>
    public static string FleetRegion(string region) => FleetRegionsPrefix + ValidNodeName(region);

    /// <summary>Prefix of the automation rules' episodes, one key per rule and subject.</summary>
    public const string RuleEpisodesPrefix = "/automation/episodes/";

    /// <summary><c>/automation/episodes/{rule}/</c>: the prefix of every episode record of one rule.</summary>
    public static string RuleEpisodesOf(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (ManifestNames.ValidateDnsSubdomain(rule) is { } error)
        {
            throw new ArgumentException(StateMessages.InvalidObjectName("Rule", error), nameof(rule));
        }
        return RuleEpisodesPrefix + rule + "/";
    }

    /// <summary>
    /// <c>/automation/episodes/{rule}/{subject}</c>: where a rule stands for one subject (<see cref="Automation.RuleEpisode"/>).
    /// A subject is a node or pool name or a workload's <c>namespace/name</c>; rule names hold no '/', so the rule part is unambiguous.
    /// </summary>
    public static string RuleEpisode(string rule, string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return RuleEpisodesOf(rule) + subject;
    }

    /// <summary>Reads rule and subject from <c>/automation/episodes/{rule}/{subject}</c>.</summary>
    public static bool TryParseRuleEpisode(string key, out string rule, out string subject)
    {
        rule = "";
        subject = "";
        if (!TryRest(key, RuleEpisodesPrefix, out var rest))
        {
            return false;
        }
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1 || ManifestNames.ValidateDnsSubdomain(rest[..slash]) is not null)
        {
            return false;
        }
        (rule, subject) = (rest[..slash], rest[(slash + 1)..]);
        return true;
    }

    /// <summary>Prefix of webhook delivery records.</summary>
    public const string WebhookDeliveriesPrefix = "/automation/deliveries/";

    /// <summary><c>/automation/deliveries/{id}</c>: one webhook delivery with its attempts (<see cref="Automation.WebhookDelivery"/>); ids sort by creation time.</summary>
    public static string WebhookDelivery(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (!id.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
        {
            throw new ArgumentException(StateMessages.InvalidDeliveryId(id), nameof(id));
        }
        return WebhookDeliveriesPrefix + id;
    }

    /// <summary>Prefix of the objects of every <see cref="ObjectKind"/>.</summary>
    public const string ObjectsPrefix = "/objects/";

    /// <summary><c>/objects/{plural}/{namespace}/{name}</c>, or <c>/objects/{plural}/{name}</c> for a cluster-wide kind.</summary>
    /// <exception cref="ArgumentException">The namespace (given for a cluster-wide kind, missing for a namespaced one) or the name is invalid.</exception>
    public static string Object(ObjectKind kind, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(name);
        if (kind.Namespaced)
        {
            if (ValidateWorkload(ns, name) is { } error)
            {
                throw new ArgumentException(error, nameof(name));
            }
            return $"{ObjectsPrefix}{kind.Plural}/{ns}/{name}";
        }
        if (ns.Length != 0)
        {
            throw new ArgumentException(StateMessages.ClusterWideObjectNamespace(kind.Kind, ns), nameof(ns));
        }
        if (ManifestNames.ValidateDnsSubdomain(name) is { } nameError)
        {
            throw new ArgumentException(StateMessages.InvalidObjectName(kind.Kind, nameError), nameof(name));
        }
        return $"{ObjectsPrefix}{kind.Plural}/{name}";
    }

    /// <summary><c>/objects/{plural}/</c>: every object of the kind.</summary>
    public static string ObjectsOf(ObjectKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return $"{ObjectsPrefix}{kind.Plural}/";
    }

    /// <summary>Reads kind, namespace (empty for a cluster-wide kind) and name from an object key of a kind in <see cref="ObjectKinds.All"/>.</summary>
    public static bool TryParseObject(string key, out ObjectKind kind, out string ns, out string name)
    {
        kind = null!;
        ns = "";
        name = "";
        if (!TryRest(key, ObjectsPrefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        if (parts.Length < 2 || ObjectKinds.Find(parts[0]) is not { } found || found.Plural != parts[0])
        {
            return false;
        }
        if (found.Namespaced ? parts.Length != 3 || ValidateWorkload(parts[1], parts[2]) is not null
                             : parts.Length != 2 || ManifestNames.ValidateDnsSubdomain(parts[1]) is not null)
        {
            return false;
        }
        kind = found;
        (ns, name) = found.Namespaced ? (parts[1], parts[2]) : ("", parts[1]);
        return true;
    }

    /// <summary>Throws when a part of <paramref name="workload"/> is not a valid name.</summary>
    /// <exception cref="FormatException">The namespace or name is invalid; the message names the part.</exception>
    public static void Validate(WorkloadKey workload)
    {
        if (ValidateWorkload(workload.Namespace, workload.Name) is { } error)
        {
            throw new FormatException(error);
        }
    }

    private static WorkloadKey Valid(WorkloadKey workload)
    {
        if (ValidateWorkload(workload.Namespace, workload.Name) is { } error)
        {
            throw new ArgumentException(error, nameof(workload));
        }
        return workload;
    }

    private static string ValidNodeName(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (ManifestNames.ValidateDnsSubdomain(nodeName) is { } error)
        {
            throw new ArgumentException(StateMessages.InvalidNodeName(error), nameof(nodeName));
        }
        return nodeName;
    }

    private static int ValidReplica(int replica)
    {
        if (replica < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(replica), replica, StateMessages.NegativeReplica);
        }
        return replica;
    }

    private static string? ValidateWorkload(string? ns, string? name)
    {
        if (ns is null || ManifestNames.ValidateDnsLabel(ns) is { } nsError)
        {
            return StateMessages.InvalidNamespace(ns is null ? "must not be null" : ManifestNames.ValidateDnsLabel(ns)!);
        }
        if (name is null || ManifestNames.ValidateDnsSubdomain(name) is { } nameError)
        {
            return StateMessages.InvalidWorkloadName(name is null ? "must not be null" : ManifestNames.ValidateDnsSubdomain(name)!);
        }
        return null;
    }

    private static bool TryWorkload(string ns, string name, out WorkloadKey workload)
    {
        workload = new WorkloadKey(ns, name);
        return ValidateWorkload(ns, name) is null;
    }

    private static bool TryParseNodeUnder(string prefix, string key, out string nodeName)
    {
        nodeName = "";
        if (!TryRest(key, prefix, out var rest) || ManifestNames.ValidateDnsSubdomain(rest) is not null)
        {
            return false;
        }
        nodeName = rest;
        return true;
    }

    private static bool TryParseReplicaKey(string prefix, string key, out WorkloadKey workload, out int replica)
    {
        workload = default;
        replica = -1;
        if (!TryRest(key, prefix, out var rest))
        {
            return false;
        }
        var parts = rest.Split('/');
        // "007" is refused: replica keys are built without padding, so only one spelling of each index exists.
        if (parts.Length != 3 || parts[2].Length == 0 || (parts[2].Length > 1 && parts[2][0] == '0')
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out replica)
            || !TryWorkload(parts[0], parts[1], out workload))
        {
            workload = default;
            replica = -1;
            return false;
        }
        return true;
    }

    private static bool TryRest(string key, string prefix, out string rest)
    {
        ArgumentNullException.ThrowIfNull(key);
        rest = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : "";
        return rest.Length > 0;
    }
}
