using System.Globalization;
using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Berth.Server.Logs;
using Berth.Server.Nodes;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Api;

/// <summary>
/// The public API's operations as both transports call them: the REST handlers (<see cref="BerthApi"/>,
/// <see cref="OperatorApi"/>, <see cref="LogsApi"/>) and the gRPC service (<see cref="Grpc.BerthGrpcService"/>) only
/// read their request format and write their answer format. Validation, not-found checks, conflict handling and
/// waking the control loop happen here, once. A refusal is an <see cref="ApiRequestException"/> whose
/// <see cref="ApiFault"/> each transport maps to its status (<see cref="ApiFaultCodes"/>); nothing is written then.
/// </summary>
public sealed class ApiOperations
{
    private readonly WorkloadWriter _writer;
    private readonly ClusterQueries _queries;
    private readonly NodeManager _nodes;
    private readonly PlacementPreview _preview;
    private readonly ReplicaLogs _logs;
    private readonly IKeyValueStore _store;
    private readonly ControlLoopSignal _signal;
    private readonly QuotaAdmission _quotas;

    /// <summary>Creates the operations over the server's parts.</summary>
    public ApiOperations(
        WorkloadWriter writer,
        ClusterQueries queries,
        NodeManager nodes,
        PlacementPreview preview,
        ReplicaLogs logs,
        IKeyValueStore store,
        ControlLoopSignal signal)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signal);
        _writer = writer;
        _queries = queries;
        _nodes = nodes;
        _preview = preview;
        _logs = logs;
        _store = store;
        _signal = signal;
        _quotas = new QuotaAdmission(store);
    }

    /// <summary>
    /// Checked after a manifest is read and before anything is admitted or written (apply and plan): the verb, the
    /// workloads and the objects; throws <see cref="ApiRequestException"/> (Forbidden) to refuse them all. Set once at start
    /// by the server's security (authorization per document); null lets every manifest through.
    /// </summary>
    public Func<string, IReadOnlyList<WorkloadSpec>, IReadOnlyList<StoredObject>, CancellationToken, Task>? ManifestAccess { get; set; }

    /// <summary>The reads (lists need no validation, so transports call them directly).</summary>
    public ClusterQueries Queries => _queries;

    /// <summary>Reads and validates every document in <paramref name="manifest"/> (workloads and the kinds of <see cref="ObjectKinds"/>), then writes them all in one transaction.</summary>
    /// <exception cref="ApiRequestException">Invalid (the message names the field path) or Conflict; nothing was written.</exception>
    public async Task<ApplyResponse> ApplyAsync(string manifest, CancellationToken cancellationToken = default)
    {
        var (workloads, objects) = await AdmitAsync(manifest, "apply", cancellationToken).ConfigureAwait(false);
        var response = await _writer.ApplyAsync(workloads, objects, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiRequestException(ApiFault.Conflict, ApiMessages.TooManyConflicts(WorkloadWriter.MaxAttempts));
        _signal.Notify();
        return response;
    }

    /// <summary>What applying <paramref name="manifest"/> would do, writing nothing.</summary>
    /// <exception cref="ApiRequestException">Invalid, exactly as <see cref="ApplyAsync"/> would refuse it.</exception>
    public async Task<PlanPreview> PlanAsync(string manifest, CancellationToken cancellationToken = default)
    {
        // Read and admitted exactly as apply does, so plan refuses what apply would refuse, with the same message.
        var (workloads, _) = await AdmitAsync(manifest, "plan", cancellationToken).ConfigureAwait(false);
        return await _preview.PreviewAsync(workloads, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The manifest's workloads (priorities resolved) and objects, once admitted: no unknown priority class, no quota passed.</summary>
    /// <exception cref="ApiRequestException">Invalid: the message names the field path, or the quota and resource.</exception>
    private async Task<(IReadOnlyList<WorkloadSpec> Workloads, IReadOnlyList<StoredObject> Objects)> AdmitAsync(string manifest, string verb, CancellationToken cancellationToken)
    {
        var (workloads, objects) = ReadManifest(manifest);
        if (ManifestAccess is { } access)
        {
            // Before admission reads the store: a caller refused one document learns nothing about the others' fate.
            await access(verb, workloads, objects, cancellationToken).ConfigureAwait(false);
        }
        workloads = await AdmitPrioritiesAsync(manifest, workloads, objects, cancellationToken).ConfigureAwait(false);
        await _quotas.CheckApplyAsync(workloads, objects, cancellationToken).ConfigureAwait(false);
        return (workloads, objects);
    }

    /// <summary>The workloads with their priority class resolved (<see cref="PriorityClassAdmission"/>).</summary>
    /// <exception cref="ApiRequestException">Invalid: an unknown class or a second global default, naming the field path.</exception>
    private async Task<IReadOnlyList<WorkloadSpec>> AdmitPrioritiesAsync(
        string manifest, IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken)
    {
        var stored = await PriorityClassAdmission.ReadStoredAsync(_store, cancellationToken).ConfigureAwait(false);
        try
        {
            return PriorityClassAdmission.Admit(manifest, workloads, objects, stored);
        }
        catch (ManifestException e)
        {
            throw new ApiRequestException(ApiFault.Invalid, e.Message);
        }
    }

    /// <summary>One workload with its assignments and last events.</summary>
    /// <exception cref="ApiRequestException">Invalid namespace or name, or NotFound.</exception>
    public async Task<WorkloadDetail> WorkloadAsync(string ns, string name, CancellationToken cancellationToken = default)
    {
        var key = WorkloadKeyOf(ns, name);
        return await _queries.WorkloadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiRequestException(ApiFault.NotFound, ApiMessages.WorkloadNotFound(key.ToString()));
    }

    /// <summary>Deletes a workload and forgets its logs; the control loop removes its assignments.</summary>
    /// <exception cref="ApiRequestException">Invalid, NotFound or Conflict.</exception>
    public async Task<DeleteResponse> DeleteAsync(string ns, string name, CancellationToken cancellationToken = default)
    {
        var key = WorkloadKeyOf(ns, name);
        DeleteResponse? deleted;
        try
        {
            deleted = await _writer.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiRequestException(ApiFault.Conflict, e.Message);
        }
        if (deleted is null)
        {
            throw new ApiRequestException(ApiFault.NotFound, ApiMessages.WorkloadNotFound(key.ToString()));
        }
        // A workload created again under this name starts with empty logs.
        _logs.Forget(key);
        _signal.Notify();
        return deleted;
    }

    /// <summary>Sets the replica count.</summary>
    /// <exception cref="ApiRequestException">Invalid (negative, or outside the workload's range; the message names <c>replicas</c>), NotFound or Conflict.</exception>
    public async Task<WorkloadChangeResponse> ScaleAsync(string ns, string name, int replicas, CancellationToken cancellationToken = default)
    {
        if (replicas < 0)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.NegativeReplicas(replicas));
        }
        await _quotas.CheckScaleAsync(WorkloadKeyOf(ns, name), replicas, cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(ns, name, key => _writer.ScaleAsync(key, replicas, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every quota with its namespace's use against each limit, in namespace and name order.</summary>
    public Task<QuotaView[]> QuotasAsync(CancellationToken cancellationToken = default) => _quotas.ViewsAsync(cancellationToken);

    /// <summary>Sets the desired state to Stopped.</summary>
    /// <exception cref="ApiRequestException">Invalid, NotFound or Conflict.</exception>
    public Task<WorkloadChangeResponse> StopAsync(string ns, string name, CancellationToken cancellationToken = default) =>
        ChangeAsync(ns, name, key => _writer.StopAsync(key, cancellationToken));

    /// <summary>Sets the desired state back to Running.</summary>
    /// <exception cref="ApiRequestException">Invalid, NotFound or Conflict.</exception>
    public Task<WorkloadChangeResponse> StartAsync(string ns, string name, CancellationToken cancellationToken = default) =>
        ChangeAsync(ns, name, key => _writer.StartAsync(key, cancellationToken));

    /// <summary>Cordons (<paramref name="cordon"/> true) or uncordons a node.</summary>
    /// <exception cref="ApiRequestException">Invalid node name, NotFound or Conflict.</exception>
    public async Task<NodeCordonResponse> CordonAsync(string node, bool cordon, CancellationToken cancellationToken = default)
    {
        CheckNode(node);
        bool found;
        try
        {
            found = cordon
                ? await _nodes.CordonAsync(node, cancellationToken).ConfigureAwait(false)
                : await _nodes.UncordonAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiRequestException(ApiFault.Conflict, e.Message);
        }
        if (!found)
        {
            throw new ApiRequestException(ApiFault.NotFound, ApiMessages.NodeNotFound(node));
        }
        // An uncordoned node may take replicas that were unschedulable; a cordon changes no placement.
        if (!cordon)
        {
            _signal.Notify();
        }
        return new NodeCordonResponse(node, cordon);
    }

    /// <summary>One drain step of a node.</summary>
    /// <exception cref="ApiRequestException">Invalid node name, NotFound or Conflict.</exception>
    public async Task<DrainResponse> DrainAsync(string node, CancellationToken cancellationToken = default)
    {
        CheckNode(node);
        DrainResult? result;
        try
        {
            result = await _nodes.DrainAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiRequestException(ApiFault.Conflict, e.Message);
        }
        if (result is null)
        {
            throw new ApiRequestException(ApiFault.NotFound, ApiMessages.NodeNotFound(node));
        }
        if (result.Released.Count > 0)
        {
            _signal.Notify();
        }
        return new DrainResponse(result.Node, result.Released, result.Remaining, result.Blocked, result.IsComplete);
    }

    /// <summary>Events after <paramref name="after"/>, at most <paramref name="limit"/> (null: <see cref="BerthApi.DefaultEventLimit"/>).</summary>
    /// <exception cref="ApiRequestException">Invalid: <c>after</c> negative, or <c>limit</c> outside 1 to <see cref="BerthApi.MaxEventLimit"/>.</exception>
    public Task<EventsResponse> EventsAsync(long after, int? limit, CancellationToken cancellationToken = default)
    {
        CheckAfter(after);
        int count = limit ?? BerthApi.DefaultEventLimit;
        if (count < 1 || count > BerthApi.MaxEventLimit)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidQuery("limit", count.ToString(CultureInfo.InvariantCulture), $"a number from 1 to {BerthApi.MaxEventLimit}"));
        }
        return _queries.EventsAsync(after, count, cancellationToken);
    }

    /// <summary>Checks the revision a follower of the event log starts after.</summary>
    /// <exception cref="ApiRequestException">Invalid: negative.</exception>
    public static void CheckAfter(long after)
    {
        if (after < 0)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidQuery("after", after.ToString(CultureInfo.InvariantCulture), "a revision, 0 or more"));
        }
    }

    /// <summary>Checks a logs request and that the workload exists; the logs themselves are read from <see cref="ReplicaLogs"/>.</summary>
    /// <returns>The workload.</returns>
    /// <exception cref="ApiRequestException">Invalid workload, replica or tail, or NotFound.</exception>
    public async Task<WorkloadKey> ReplicaLogsWorkloadAsync(string ns, string name, int replica, int tail, CancellationToken cancellationToken = default)
    {
        var key = WorkloadKeyOf(ns, name);
        if (replica < 0)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidReplica(replica.ToString(CultureInfo.InvariantCulture)));
        }
        if (tail < 0)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidQuery(LogsApi.TailParameter, tail.ToString(CultureInfo.InvariantCulture), "a number of lines, 0 or more"));
        }
        if (await _store.GetAsync(KeyLayout.Workload(key), cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ApiRequestException(ApiFault.NotFound, ApiMessages.WorkloadNotFound(key.ToString()));
        }
        return key;
    }

    /// <summary>Every stored object of the kind named <paramref name="kind"/> (its kind or plural), in key order.</summary>
    /// <exception cref="ApiRequestException">Invalid: no such kind.</exception>
    public async Task<ObjectView[]> ObjectsAsync(string kind, CancellationToken cancellationToken = default)
    {
        var found = KindOf(kind);
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(found)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = new List<ObjectView>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            if (KeyLayout.TryParseObject(kv.Key, out var parsed, out var ns, out var name) && parsed == found)
            {
                using var spec = System.Text.Json.JsonDocument.Parse(kv.Value);
                result.Add(new ObjectView(found.Kind, ns, name, kv.ModRevision, spec.RootElement.Clone()));
            }
        }
        return [.. result];
    }

    /// <summary>Deletes an object of another kind than Workload; <paramref name="ns"/> is empty for a cluster-wide kind.</summary>
    /// <exception cref="ApiRequestException">Invalid kind or reference, NotFound or Conflict.</exception>
    public async Task<DeleteResponse> DeleteObjectAsync(string kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        var found = KindOf(kind);
        try
        {
            _ = KeyLayout.Object(found, ns, name);
        }
        catch (ArgumentException e)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidObjectReference(found.Kind, e.Message));
        }
        DeleteResponse? deleted;
        try
        {
            deleted = await _writer.DeleteAsync(found, ns, name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiRequestException(ApiFault.Conflict, e.Message);
        }
        if (deleted is null)
        {
            throw new ApiRequestException(ApiFault.NotFound, ApiMessages.ObjectNotFound(found.Kind, ns.Length == 0 ? name : $"{ns}/{name}"));
        }
        _signal.Notify();
        return deleted;
    }

    private static ObjectKind KindOf(string kind) =>
        ObjectKinds.Find(kind) ?? throw new ApiRequestException(ApiFault.Invalid, ApiMessages.UnknownObjectKind(kind, ObjectKinds.All.Select(k => k.Plural)));

    /// <summary>A workload key from a request's namespace and name.</summary>
    /// <exception cref="ApiRequestException">Invalid: the message names the part that is not a valid name.</exception>
    public static WorkloadKey WorkloadKeyOf(string ns, string name)
    {
        var key = new WorkloadKey(ns, name);
        try
        {
            KeyLayout.Validate(key);
            return key;
        }
        catch (FormatException e)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidWorkloadKey(e.Message));
        }
    }

    private static void CheckNode(string node)
    {
        try
        {
            _ = KeyLayout.Node(node);
        }
        catch (ArgumentException e)
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.InvalidNodeName(e.Message));
        }
    }

    private static (IReadOnlyList<WorkloadSpec> Workloads, IReadOnlyList<StoredObject> Objects) ReadManifest(string manifest)
    {
        if (string.IsNullOrWhiteSpace(manifest))
        {
            throw new ApiRequestException(ApiFault.Invalid, ApiMessages.EmptyManifest);
        }
        try
        {
            // Every document is read and validated before anything is written, so one bad document means nothing is.
            var workloads = new List<WorkloadSpec>();
            var objects = new List<StoredObject>();
            foreach (var document in ManifestDocumentReader.ReadAll(manifest))
            {
                if (document.Kind == ManifestKinds.Workload)
                {
                    workloads.Add(WorkloadManifestReader.Read(document));
                }
                else if (ObjectKinds.Find(document.Kind) is { } kind && kind.Kind == document.Kind)
                {
                    objects.Add(kind.Read(document));
                }
                else
                {
                    document.Root.RequiredField("kind").Fail(ApiMessages.UnknownObjectKind(document.Kind, [ManifestKinds.Workload, .. ObjectKinds.All.Select(k => k.Kind)]));
                }
            }
            return (workloads, objects);
        }
        catch (ManifestException e)
        {
            throw new ApiRequestException(ApiFault.Invalid, e.Message);
        }
    }

    private async Task<WorkloadChangeResponse> ChangeAsync(string ns, string name, Func<WorkloadKey, Task<WorkloadChange>> change)
    {
        var key = WorkloadKeyOf(ns, name);
        WorkloadChange result;
        try
        {
            result = await change(key).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new ApiRequestException(ApiFault.Conflict, e.Message);
        }
        switch (result.Outcome)
        {
            case WorkloadChangeOutcome.NotFound:
                throw new ApiRequestException(ApiFault.NotFound, ApiMessages.WorkloadNotFound(key.ToString()));
            case WorkloadChangeOutcome.Invalid:
                throw new ApiRequestException(ApiFault.Invalid, result.Message);
            case WorkloadChangeOutcome.Changed:
                _signal.Notify();
                break;
        }
        return result.Response!;
    }
}
