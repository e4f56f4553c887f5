using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Scheduling.Simulation;

/// <summary>
/// Reads a scenario's <c>reservations</c> section (the fields of a <c>Reservation</c> manifest's spec, with a name and
/// a namespace) and checks that every workload naming a reservation names one of its own namespace.
/// </summary>
internal static class ScenarioReservationsReader
{
    public static List<ReservationSpec> Read(ManifestNode? node, IReadOnlyList<NodeSpec> nodes)
    {
        var reservations = new List<ReservationSpec>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields(["name", "namespace", .. ReservationManifestReader.SpecFields]);
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsDnsLabel();
            var ns = item.Field("namespace") is { } nsNode ? nsNode.AsDnsLabel() : WorkloadSpec.DefaultNamespace;
            var spec = ReservationManifestReader.ReadFields(item, name, ns, requireExpiry: false);
            if (reservations.Any(r => r.Key == spec.Key))
            {
                nameNode.Fail($"reservation '{spec.Key}' is listed twice");
            }
            var items = item.Field("nodes")?.Items() ?? [];
            for (int i = 0; i < spec.Nodes.Count; i++)
            {
                if (!nodes.Any(n => n.Name == spec.Nodes[i]))
                {
                    items[i].Fail($"no node named '{spec.Nodes[i]}' in nodes");
                }
            }
            reservations.Add(spec);
        }
        return reservations;
    }

    /// <summary>Each workload's <c>reservation</c> must name a reservation of the workload's namespace.</summary>
    public static void CheckUsers(ManifestNode? list, IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<ReservationSpec> reservations)
    {
        var items = list?.Items() ?? [];
        for (int i = 0; i < workloads.Count && i < items.Count; i++)
        {
            if (workloads[i].Reservation is not { } name || reservations.Any(r => r.Name == name && r.Namespace == workloads[i].Namespace))
            {
                continue;
            }
            var elsewhere = reservations.Where(r => r.Name == name).Select(r => r.Namespace).ToList();
            var hint = elsewhere.Count > 0
                ? $"it is in namespace {string.Join(", ", elsewhere)}; a workload may only use a reservation of its own namespace"
                : "add it under reservations or remove the field";
            items[i].RequiredField("reservation").Fail($"no reservation '{name}' in namespace '{workloads[i].Namespace}'; {hint}");
        }
    }
}
