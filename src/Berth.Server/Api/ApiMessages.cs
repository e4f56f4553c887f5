namespace Berth.Server.Api;

/// <summary>The REST API's user-visible messages, in one place so tests can assert on them.</summary>
public static class ApiMessages
{
    /// <summary>A request body over the limit.</summary>
    public static string BodyTooLarge(long limit) =>
        $"request body is larger than the limit of {limit} bytes; split the manifest into several applies";

    /// <summary>A request body over the limit, on an endpoint that does not answer it itself (every endpoint but apply).</summary>
    public static string RequestBodyTooLarge(long limit) =>
        $"request body is larger than the limit of {limit} bytes; nothing was written, send a smaller body";

    /// <summary>A request the server refused while reading it (malformed, or over a limit), on any endpoint.</summary>
    public static string BadRequest(string reason) => $"bad request: {reason}";

    /// <summary>A request body that is not UTF-8 text.</summary>
    public const string BodyNotText = "request body must be UTF-8 manifest text (YAML or JSON)";

    /// <summary>An empty request body.</summary>
    public const string EmptyBody = "request body is empty; send one or more Workload manifests (YAML or JSON)";

    /// <summary>A namespace or name in a URL that is not valid.</summary>
    public static string InvalidWorkloadKey(string error) => $"invalid workload in the URL: {error}";

    /// <summary>No such workload.</summary>
    public static string WorkloadNotFound(string key) => $"workload {key} not found; list workloads with GET /v1/workloads";

    /// <summary>Concurrent writes kept winning.</summary>
    public static string TooManyConflicts(int attempts) =>
        $"the workloads changed under this request {attempts} times in a row; nothing was written, retry the request";

    /// <summary>A query parameter that is not a number in range.</summary>
    public static string InvalidQuery(string name, string? value, string expected) => $"query parameter {name}='{value}' is invalid: expected {expected}";

    /// <summary>The store could not be reached.</summary>
    public static string StoreUnavailable(string message) => $"the store is unavailable: {message}";

    /// <summary>Event message of a created workload.</summary>
    public static string WorkloadCreated(string key, int replicas) => $"workload {key} created with {replicas} replica(s)";

    /// <summary>Event message of a changed workload.</summary>
    public static string WorkloadConfigured(string key, int replicas) => $"workload {key} updated, {replicas} replica(s)";

    /// <summary>Event message of a deleted workload.</summary>
    public static string WorkloadDeleted(string key) => $"workload {key} deleted; its replicas will be removed";

    /// <summary>Event message of a created object of another kind.</summary>
    public static string ObjectCreated(string kind, string subject) => $"{kind} {subject} created";

    /// <summary>Event message of a changed object of another kind.</summary>
    public static string ObjectConfigured(string kind, string subject) => $"{kind} {subject} updated";

    /// <summary>Event message of a deleted object of another kind.</summary>
    public static string ObjectDeleted(string kind, string subject) => $"{kind} {subject} deleted";

    /// <summary>An apply or scale refused by a quota: the workload and the quota's refusal (quota, resource, used, requested, limit).</summary>
    public static string QuotaRefused(string workload, int replicas, string refusal) =>
        $"workload {workload} with {replicas} replica(s) is over quota: {refusal}; nothing was written";

    /// <summary>No object of that kind and name.</summary>
    public static string ObjectNotFound(string kind, string subject) => $"{kind} '{subject}' not found";

    /// <summary>A kind in a URL that is not one of the stored kinds.</summary>
    public static string UnknownObjectKind(string kind, IEnumerable<string> known) =>
        $"unknown kind '{kind}'; use one of: {string.Join(", ", known)}";

    /// <summary>A priority class applied as the global default while another already is.</summary>
    public static string SecondGlobalDefault(string name, string other) =>
        $"priority class '{name}' cannot be the global default: '{other}' already is; set globalDefault: false on one of them";

    /// <summary>A namespace or name in an object's URL that is not valid for its kind.</summary>
    public static string InvalidObjectReference(string kind, string error) => $"invalid {kind} reference: {error}";

    /// <summary><c>/v1/info</c> asked before the server knows its bound addresses.</summary>
    public const string StillStarting = "the server is still starting; ask again in a moment";

    /// <summary>A replica index in a URL that is not a number from 0.</summary>
    public static string InvalidReplica(string value) => $"replica '{value}' in the URL is not a replica index (0, 1, 2 ...)";
    /// <summary>A negative replica count in a scale request.</summary>
    public static string NegativeReplicas(int replicas) => $"replicas is {replicas}; it must be 0 or more";

    /// <summary>A replica count outside the workload's declared range.</summary>
    public static string ReplicasOutsideRange(string key, int replicas, int min, int max) =>
        $"replicas is {replicas}; workload {key} declares replicas {{min: {min}, max: {max}}}, give a count from {min} to {max}";

    /// <summary>A scale request without a usable <c>replicas</c> field.</summary>
    public const string ScaleBodyInvalid = "body must be a JSON object with an integer field replicas, e.g. {\"replicas\": 3}";

    /// <summary>A scale request whose <c>replicas</c> is not an integer.</summary>
    public static string ReplicasNotInteger(string raw) => $"replicas is {raw}; it must be an integer, 0 or more, e.g. {{\"replicas\": 3}}";

    /// <summary>A node name in a URL that is not valid.</summary>
    public static string InvalidNodeName(string error) => $"invalid node in the URL: {error}";

    /// <summary>No such node.</summary>
    public static string NodeNotFound(string name) => $"node {name} not found; list nodes with GET /v1/nodes";

    /// <summary>Event message of a scaled workload.</summary>
    public static string WorkloadScaled(string key, int from, int to) => $"workload {key} scaled from {from} to {to} replica(s)";

    /// <summary>Event message of a stopped workload.</summary>
    public static string WorkloadStopped(string key) => $"workload {key} stopped; its replicas will be stopped and release their resources";

    /// <summary>Event message of a started workload.</summary>
    public static string WorkloadStarted(string key, int replicas) => $"workload {key} started; {replicas} replica(s) will be placed";

    /// <summary>An empty manifest field in a gRPC Apply or Plan.</summary>
    public const string EmptyManifest = "manifest is empty; send one or more Workload manifests (YAML or JSON)";

    /// <summary>History compacted under a gRPC WatchEvents.</summary>
    public static string EventsCompacted(long after, string reason) =>
        $"events after revision {after} are no longer kept ({reason}); call ListEvents and watch from its next";

    /// <summary>A scale below a gang's minAvailable.</summary>
    public static string ReplicasBelowGang(string workload, int replicas, int minAvailable) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"replicas {replicas} is below the gang minAvailable {minAvailable} of workload {workload}: such a gang could never be placed; scale to 0 or to at least {minAvailable}, or lower spec.gang.minAvailable");
}
