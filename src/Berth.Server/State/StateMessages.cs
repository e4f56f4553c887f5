namespace Berth.Server.State;

/// <summary>The state layer's user-visible messages, in one place so tests can assert on them.</summary>
public static class StateMessages
{
    /// <summary>A replica index below zero.</summary>
    public const string NegativeReplica = "replica index must be 0 or more";

    /// <summary>A workload key without a slash.</summary>
    public static string WorkloadKeyWithoutSlash(string text) => $"'{text}' is not a workload key: write namespace/name, e.g. default/web";

    /// <summary>An invalid namespace in a key.</summary>
    public static string InvalidNamespace(string error) => $"namespace {error}";

    /// <summary>An invalid workload name in a key.</summary>
    public static string InvalidWorkloadName(string error) => $"workload name {error}";

    /// <summary>An invalid node name in a key.</summary>
    public static string InvalidNodeName(string error) => $"node name {error}";

    /// <summary>An event writer id that is not 1 to 16 lower-case letters or digits.</summary>
    public static string InvalidEventWriter(string writer) => $"event writer id '{writer}' must be 1 to 16 lower-case letters or digits";

    /// <summary>A stored quantity that is not a JSON string.</summary>
    public static string QuantityNotString(string token) => $"a quantity must be a string such as \"500m\" or \"2Gi\", not {token}";

    /// <summary>A stored resource list that is not a JSON object.</summary>
    public static string ResourceListNotObject(string token) => $"a resource list must be an object such as {{\"cpu\": \"500m\"}}, not {token}";

    /// <summary>A stored workload key that is not a JSON string.</summary>
    public static string WorkloadKeyNotString(string token) => $"a workload key must be a string such as \"default/web\", not {token}";

    /// <summary>A cluster-wide object given a namespace.</summary>
    public static string ClusterWideObjectNamespace(string kind, string ns) => $"a {kind} is cluster-wide and has no namespace, but '{ns}' was given";

    /// <summary>An object name that is not a valid name.</summary>
    public static string InvalidObjectName(string kind, string error) => $"invalid {kind} name: {error}";

    /// <summary>An object's spec read as the wrong type.</summary>
    public static string WrongObjectSpec(string kind, string type) => $"a {kind}'s spec is not a {type}";

    /// <summary>A stored record that is JSON null.</summary>
    public static string NullRecord(string type) => $"the stored {type} is null";

    /// <summary>A key under a known prefix whose value could not be read.</summary>
    public static string UnreadableRecord(string key, string error) => $"the value at '{key}' could not be read: {error}";

    /// <summary>Plan refused: the workload was deleted.</summary>
    public static string WorkloadGone(WorkloadKey workload) => $"workload '{workload}' no longer exists";

    /// <summary>Plan refused: the workload changed.</summary>
    public static string WorkloadChanged(WorkloadKey workload, long planned, long current) =>
        $"workload '{workload}' changed since the plan: planned for revision {planned}, now at {current}; plan again";

    /// <summary>Plan refused: a node was removed.</summary>
    public static string NodeGone(string node) => $"node '{node}' no longer exists; plan again";

    /// <summary>Plan refused: a node changed.</summary>
    public static string NodeChanged(string node, long planned, long current) =>
        $"node '{node}' changed since the plan: planned at revision {planned}, now at {current}; plan again";

    /// <summary>Plan refused: a victim's assignment changed or vanished.</summary>
    public static string VictimChanged(string assignmentKey, long planned, long current) =>
        $"eviction target '{assignmentKey}' changed since the plan: planned at revision {planned}, now at {current}; plan again";

    /// <summary>Plan refused: the replica's own assignment changed.</summary>
    public static string AssignmentChanged(string assignmentKey, long seen, long current) =>
        $"assignment '{assignmentKey}' changed while the plan was applied: read at revision {seen}, now at {current}; plan again";

    /// <summary>Plan refused: another apply took room on the node first.</summary>
    public static string NodeAllocationChanged(string node) => $"another plan placed replicas on node '{node}' first; plan again";

    /// <summary>Plan refused: the node lacks room.</summary>
    public static string NodeFull(string node, string resource, string requested, string used, string allocatable) =>
        $"node '{node}' has no room for {resource}: the plan needs {requested} more, {used} of {allocatable} is taken; plan again";

    /// <summary>Plan refused: a guarded key moved and moved back between the commit and its diagnosis.</summary>
    public static string ConcurrentChange(WorkloadKey workload) => $"the state of workload '{workload}' changed while its plan was applied; plan again";

    /// <summary>Plan refused: the same replica twice.</summary>
    public static string DuplicateReplica(int replica) => $"replica {replica} appears twice in the plan";

    /// <summary>Event message for a placement.</summary>
    public static string Scheduled(string replica, string node, string explanation) => $"replica {replica} placed on node {node}: {explanation}";

    /// <summary>Event message for a move.</summary>
    public static string Rescheduled(string replica, string from, string to, string explanation) => $"replica {replica} moved from node {from} to node {to}: {explanation}";

    /// <summary>Event message for an eviction.</summary>
    public static string Evicted(string replica, string node, string reason) => $"replica {replica} evicted from node {node}: {reason}";

    /// <summary>A planned replica no longer passes the filters on its node in the latest state.</summary>
    public static string NoLongerFits(string node, string why) => $"no longer fits on node '{node}' ({why}); plan again";

    /// <summary>The GPU devices a plan chose were taken first by another plan.</summary>
    public const string DevicesTaken = "the GPU devices chosen were taken by another plan";

    /// <summary>A key given as a workload key is not one.</summary>
    public static string NotAWorkloadKey(string key) => $"'{key}' is not a workload key (/workloads/{{namespace}}/{{name}})";

    /// <summary>The cluster cache was read before it was loaded.</summary>
    public const string CacheNotLoaded = "the cluster cache is not loaded yet: load it before reading or following it";

    /// <summary>A gang's plan was refused whole because one of its replicas no longer fits.</summary>
    public static string GangIncomplete(WorkloadKey workload, int minAvailable, int placed, int replica, string why) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"gang {workload} (minAvailable {minAvailable}) refused whole: only {placed} replica(s) would stand, replica {replica} {why}");

    /// <summary>Event message: a gang member committed in an earlier transaction than a failed one of the same gang, removed again.</summary>
    public static string GangPartlyCommitted(string replica, string node, string why) =>
        $"replica {replica} removed from node {node}: its gang could not be committed whole ({why}); the gang is planned again";

    /// <summary>A webhook delivery id that is not lower-case letters and digits.</summary>
    public static string InvalidDeliveryId(string id) => $"webhook delivery id '{id}' must be lower-case letters and digits";
}
