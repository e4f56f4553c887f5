using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Specs;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// Turns the control plane's records into the JSON bytes stored under <see cref="KeyLayout"/> keys and back: camelCase
/// field names, enums as their names, quantities as Kubernetes strings ("500m"). Field names are part of the stored
/// format; renaming one is a migration.
/// </summary>
public static class StateSerializer
{
    /// <summary>The options every stored record is written and read with.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes a node record.</summary>
    public static byte[] Serialize(NodeRecord value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<NodeRecord>());

    /// <summary>Serializes a workload spec.</summary>
    public static byte[] Serialize(WorkloadSpec value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<WorkloadSpec>());

    /// <summary>Serializes an assignment.</summary>
    public static byte[] Serialize(Assignment value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<Assignment>());

    /// <summary>Serializes a retry state.</summary>
    public static byte[] Serialize(RetryState value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<RetryState>());

    /// <summary>Serializes an event.</summary>
    public static byte[] Serialize(ClusterEvent value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<ClusterEvent>());

    /// <summary>Serializes a node heartbeat.</summary>
    public static byte[] Serialize(NodeHeartbeat value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<NodeHeartbeat>());

    /// <summary>Serializes a rollout state.</summary>
    public static byte[] Serialize(Reconciliation.RolloutState value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<Reconciliation.RolloutState>());

    /// <summary>Serializes a reconciliation record.</summary>
    public static byte[] Serialize(Reconciliation.ReconciliationRecord value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<Reconciliation.ReconciliationRecord>());

    /// <summary>Serializes a fleet cluster record.</summary>
    public static byte[] Serialize(Berth.Core.Fleet.FleetCluster value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<Berth.Core.Fleet.FleetCluster>());

    /// <summary>Reads a stored record of type <typeparamref name="T"/> (one of the types above).</summary>
    /// <exception cref="JsonException">The bytes are not a valid <typeparamref name="T"/>; the message names the path.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json)
        where T : class =>
        JsonSerializer.Deserialize(utf8Json, Info<T>()) ?? throw new JsonException(StateMessages.NullRecord(typeof(T).Name));

    /// <summary>Reads a stored record; a value that cannot be read is an <see cref="InvalidDataException"/> naming its key.</summary>
    public static T Read<T>(KeyValue kv)
        where T : class
    {
        try
        {
            return Deserialize<T>(kv.Value.Span);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(StateMessages.UnreadableRecord(kv.Key, e.Message), e);
        }
    }

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(StateJsonContext.Default.Options)
        {
            TypeInfoResolver = StateJsonContext.Default.WithAddedModifier(DropDerivedProperties),
        };
        options.MakeReadOnly();
        return options;
    }

    // The specs carry computed, get-only properties (WorkloadSpec.Key, ResourceRequirements.EffectiveRequests,
    // LabelSelector.IsEmpty ...). They are derived from the stored fields, so storing them would only add fields that
    // could disagree with the rest; keep the properties that are settable or bound to a constructor parameter.
    private static void DropDerivedProperties(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            var property = info.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null)
            {
                info.Properties.RemoveAt(i);
            }
        }
    }
}
