using System.Text.Json.Serialization;
using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>Source-generated metadata for the API's response records.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true,
    Converters = [typeof(QuantityJsonConverter), typeof(ResourceListJsonConverter), typeof(WorkloadKeyJsonConverter)])]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(ApplyResponse))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(WorkloadView[]))]
[JsonSerializable(typeof(WorkloadDetail))]
[JsonSerializable(typeof(Fleet.FleetWorkloadView))]
[JsonSerializable(typeof(IReadOnlyList<Fleet.FleetPoolView>))]
[JsonSerializable(typeof(Fleet.FleetPoolView[]))]
[JsonSerializable(typeof(AssignmentView[]))]
[JsonSerializable(typeof(NodeView[]))]
[JsonSerializable(typeof(EventsResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(AgentAssignmentsResponse))]
[JsonSerializable(typeof(AgentStatusReport))]
[JsonSerializable(typeof(AgentStatusResponse))]
[JsonSerializable(typeof(ServerInfo))]
[JsonSerializable(typeof(Security.TokenRequest))]
[JsonSerializable(typeof(Security.CreatedToken))]
[JsonSerializable(typeof(Security.TokenView))]
[JsonSerializable(typeof(Security.TokenView[]))]
[JsonSerializable(typeof(Security.RoleView[]))]
[JsonSerializable(typeof(Security.WhoAmIResponse))]
[JsonSerializable(typeof(Security.AuditEntry[]))]
[JsonSerializable(typeof(Fleet.Hierarchy.RegionReport))]
[JsonSerializable(typeof(Fleet.Hierarchy.RegionReportAnswer))]
[JsonSerializable(typeof(Fleet.Hierarchy.RegionView[]))]
[JsonSerializable(typeof(ReplicaLogsResponse))]
[JsonSerializable(typeof(WorkloadChangeResponse))]
[JsonSerializable(typeof(NodeCordonResponse))]
[JsonSerializable(typeof(DrainResponse))]
[JsonSerializable(typeof(Placement.PlanPreview))]
[JsonSerializable(typeof(ServersResponse))]
[JsonSerializable(typeof(ObjectView[]))]
[JsonSerializable(typeof(QuotaView[]))]
[JsonSerializable(typeof(Berth.Scheduling.Snapshot.ReservationUsage[]))]
[JsonSerializable(typeof(RebalanceResponse))]
[JsonSerializable(typeof(FleetClustersResponse))]
[JsonSerializable(typeof(Automation.WebhookPayload))]
[JsonSerializable(typeof(Automation.RuleView[]))]
[JsonSerializable(typeof(Automation.RuleView))]
[JsonSerializable(typeof(Automation.WebhookDelivery[]))]
[JsonSerializable(typeof(NodePage))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
