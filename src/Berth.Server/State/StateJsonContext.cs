using System.Text.Json.Serialization;
using Berth.Core.Specs;
using Berth.Server.Reconciliation;

namespace Berth.Server.State;

/// <summary>Source-generated metadata for the stored records.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true,
    Converters = [typeof(QuantityJsonConverter), typeof(ResourceListJsonConverter), typeof(WorkloadKeyJsonConverter)])]
[JsonSerializable(typeof(NodeRecord))]
[JsonSerializable(typeof(WorkloadSpec))]
[JsonSerializable(typeof(ReservationSpec))]
[JsonSerializable(typeof(Fleet.Hierarchy.RegionRecord))]
[JsonSerializable(typeof(Assignment))]
[JsonSerializable(typeof(RetryState))]
[JsonSerializable(typeof(ClusterEvent))]
[JsonSerializable(typeof(NodeHeartbeat))]
[JsonSerializable(typeof(RolloutState))]
[JsonSerializable(typeof(ReconciliationRecord))]
[JsonSerializable(typeof(Leadership.ServerRecord))]
[JsonSerializable(typeof(QuotaSpec))]
[JsonSerializable(typeof(PriorityClass))]
[JsonSerializable(typeof(PoolSpec))]
[JsonSerializable(typeof(NodeClassSpec))]
[JsonSerializable(typeof(PlacementPolicySpec))]
[JsonSerializable(typeof(RoleSpec))]
[JsonSerializable(typeof(RoleBindingSpec))]
[JsonSerializable(typeof(Security.TokenRecord))]
[JsonSerializable(typeof(Security.AuditEntry))]
[JsonSerializable(typeof(Berth.Core.Fleet.FleetCluster))]
[JsonSerializable(typeof(Fleet.FleetDecision))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
