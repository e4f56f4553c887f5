using System.Text.Json;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Placement;
using Berth.Server.State;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Api.Grpc;

/// <summary>
/// The public API's answers (the records REST writes as JSON) as berth.v1 messages (proto/berth.proto): the same data,
/// revisions and words, quantities as the same strings REST writes.
/// </summary>
internal static class ApiProto
{
    /// <summary>An apply's outcome.</summary>
    public static V1.ApplyResponse Apply(ApplyResponse response)
    {
        var message = new V1.ApplyResponse { Revision = response.Revision };
        foreach (var applied in response.Workloads)
        {
            message.Workloads.Add(new V1.AppliedWorkload
            {
                Key = applied.Key,
                Namespace = applied.Namespace,
                Name = applied.Name,
                Revision = applied.Revision,
                Outcome = Outcome(applied.Outcome),
            });
        }
        foreach (var applied in response.Objects)
        {
            message.Objects.Add(new V1.AppliedObject
            {
                Kind = applied.Kind,
                Key = applied.Key,
                Namespace = applied.Namespace,
                Name = applied.Name,
                Revision = applied.Revision,
                Outcome = Outcome(applied.Outcome),
            });
        }
        return message;
    }

    private static V1.ApplyOutcome Outcome(ApplyOutcome outcome) => outcome switch
    {
        ApplyOutcome.Created => V1.ApplyOutcome.Created,
        ApplyOutcome.Configured => V1.ApplyOutcome.Configured,
        ApplyOutcome.Unchanged => V1.ApplyOutcome.Unchanged,
        _ => V1.ApplyOutcome.Unspecified,
    };

    /// <summary>A plan's preview.</summary>
    public static V1.PlanResponse Plan(PlanPreview preview)
    {
        var message = new V1.PlanResponse { Revision = preview.Revision };
        foreach (var workload in preview.Workloads)
        {
            var item = new V1.WorkloadPreview
            {
                Namespace = workload.Namespace,
                Name = workload.Name,
                Change = workload.Change switch
                {
                    WorkloadPreviewChange.Created => V1.PreviewChange.Created,
                    WorkloadPreviewChange.Updated => V1.PreviewChange.Updated,
                    WorkloadPreviewChange.Unchanged => V1.PreviewChange.Unchanged,
                    _ => V1.PreviewChange.Unspecified,
                },
            };
            item.ChangedFields.AddRange(workload.ChangedFields);
            foreach (var replica in workload.Replicas)
            {
                var replicaMessage = new V1.ReplicaPreview
                {
                    Replica = replica.Replica,
                    Action = replica.Action switch
                    {
                        ReplicaPreviewAction.Keep => V1.ReplicaAction.Keep,
                        ReplicaPreviewAction.Place => V1.ReplicaAction.Place,
                        ReplicaPreviewAction.Unschedulable => V1.ReplicaAction.Unschedulable,
                        ReplicaPreviewAction.Remove => V1.ReplicaAction.Remove,
                        ReplicaPreviewAction.Stop => V1.ReplicaAction.Stop,
                        _ => V1.ReplicaAction.Unspecified,
                    },
                    Node = replica.Node ?? "",
                    Detail = replica.Detail,
                };
                replicaMessage.TiedWith.AddRange(replica.TiedWith);
                item.Replicas.Add(replicaMessage);
            }
            message.Workloads.Add(item);
        }
        return message;
    }

    /// <summary>A stored workload: key fields typed, the whole spec as the JSON REST answers in <c>spec</c>.</summary>
    public static V1.Workload Workload(WorkloadView view)
    {
        var spec = view.Spec;
        var message = new V1.Workload
        {
            Namespace = view.Namespace,
            Name = view.Name,
            Revision = view.Revision,
            Replicas = spec.Replicas,
            DesiredState = DesiredState(spec.DesiredState),
            Priority = spec.Priority,
            RestartPolicy = spec.RestartPolicy.ToString(),
            SpecJson = JsonSerializer.Serialize(spec, ApiJson.Info<WorkloadSpec>()),
        };
        Copy(spec.Labels, message.Labels);
        Copy(spec.NodeSelector, message.NodeSelector);
        if (spec.ReplicaRange is { } range)
        {
            message.MinReplicas = range.Min;
            message.MaxReplicas = range.Max;
        }
        return message;
    }

    /// <summary>One workload with its assignments and events.</summary>
    public static V1.GetWorkloadResponse WorkloadDetail(WorkloadDetail detail)
    {
        var message = new V1.GetWorkloadResponse { Workload = Workload(detail.Workload) };
        foreach (var assignment in detail.Assignments)
        {
            message.Assignments.Add(Assignment(assignment));
        }
        foreach (var clusterEvent in detail.Events)
        {
            message.Events.Add(Event(clusterEvent));
        }
        return message;
    }

    /// <summary>A scale, stop or start.</summary>
    public static V1.WorkloadChangeResponse Change(WorkloadChangeResponse response) => new()
    {
        Key = response.Key,
        Namespace = response.Namespace,
        Name = response.Name,
        Revision = response.Revision,
        Changed = response.Changed,
        Replicas = response.Replicas,
        DesiredState = DesiredState(response.DesiredState),
    };

    /// <summary>A stored node.</summary>
    public static V1.Node Node(NodeView view)
    {
        var message = new V1.Node
        {
            Name = view.Name,
            Revision = view.Revision,
            Cordoned = view.Spec.Unschedulable,
            Ready = view.Status.Ready,
        };
        Copy(view.Spec.Labels, message.Labels);
        Copy(view.Spec.Allocatable, message.Allocatable);
        foreach (var taint in view.Spec.Taints)
        {
            message.Taints.Add(new V1.Taint { Key = taint.Key, Value = taint.Value, Effect = taint.Effect.ToString() });
        }
        // The heartbeat key is written on every heartbeat; the record's copy only when readiness changes.
        if ((view.LastHeartbeat ?? view.Status.LastHeartbeat) is { } beat)
        {
            message.LastHeartbeat = Timestamp.FromDateTimeOffset(beat);
        }
        return message;
    }

    /// <summary>A drain step.</summary>
    public static V1.DrainNodeResponse Drain(DrainResponse response)
    {
        var message = new V1.DrainNodeResponse { Node = response.Node, Complete = response.Complete };
        message.Released.AddRange(response.Released);
        message.Remaining.AddRange(response.Remaining);
        message.Blocked.AddRange(response.Blocked);
        return message;
    }

    /// <summary>A stored assignment.</summary>
    public static V1.Assignment Assignment(AssignmentView view)
    {
        var assignment = view.Assignment;
        var message = new V1.Assignment
        {
            Key = view.Key,
            Revision = view.Revision,
            Namespace = assignment.Workload.Namespace,
            Name = assignment.Workload.Name,
            Replica = assignment.Replica,
            Node = assignment.Node,
            WorkloadRevision = assignment.WorkloadRevision,
            Explanation = assignment.Explanation,
            State = assignment.State switch
            {
                AssignmentState.Pending => V1.AssignmentState.Pending,
                AssignmentState.Running => V1.AssignmentState.Running,
                AssignmentState.Failed => V1.AssignmentState.Failed,
                AssignmentState.Stopped => V1.AssignmentState.Stopped,
                AssignmentState.Succeeded => V1.AssignmentState.Succeeded,
                _ => V1.AssignmentState.Unspecified,
            },
        };
        Copy(assignment.Requests, message.Requests);
        message.Devices.AddRange(assignment.Devices);
        return message;
    }

    /// <summary>A page of events.</summary>
    public static V1.ListEventsResponse Events(EventsResponse response)
    {
        var message = new V1.ListEventsResponse { Next = response.Next };
        foreach (var clusterEvent in response.Events)
        {
            message.Events.Add(Event(clusterEvent));
        }
        return message;
    }

    /// <summary>One event of the log.</summary>
    public static V1.Event Event(ClusterEvent clusterEvent) => new()
    {
        Revision = clusterEvent.Revision,
        Type = clusterEvent.Type.ToString(),
        Subject = clusterEvent.Subject,
        Message = clusterEvent.Message,
        Time = Timestamp.FromDateTimeOffset(clusterEvent.Time),
    };

    private static V1.DesiredState DesiredState(DesiredState state) => state switch
    {
        Core.Specs.DesiredState.Running => V1.DesiredState.Running,
        Core.Specs.DesiredState.Stopped => V1.DesiredState.Stopped,
        _ => V1.DesiredState.Unspecified,
    };

    private static void Copy(IReadOnlyDictionary<string, string> from, MapField<string, string> to)
    {
        foreach (var (key, value) in from)
        {
            to[key] = value;
        }
    }

    private static void Copy(ResourceList from, MapField<string, string> to)
    {
        foreach (var (name, quantity) in from)
        {
            to[name] = QuantityJsonConverter.Format(quantity);
        }
    }
}
