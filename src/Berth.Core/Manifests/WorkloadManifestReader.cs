using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads the spec of a <c>Workload</c> manifest (spec/manifests.md) into a <see cref="WorkloadSpec"/>. Placement fields are
/// read by the same readers as a what-if scenario's workloads, so they mean the same in both.
/// </summary>
public static class WorkloadManifestReader
{
    /// <summary>Fields a later issue will bring, with that issue; giving one is an error rather than being ignored.</summary>
    /// <summary>Reads every Workload of a manifest text (see <see cref="ManifestDocumentReader.ReadAll"/>).</summary>
    /// <exception cref="ManifestException">The text is malformed or holds another kind; the message names the path.</exception>
    public static IReadOnlyList<WorkloadSpec> ReadAll(string text) => [.. ManifestDocumentReader.ReadAll(text).Select(Read)];

    /// <summary>Reads a Workload document.</summary>
    /// <exception cref="ManifestException">A field is wrong or unknown; the message names the path.</exception>
    public static WorkloadSpec Read(ManifestDocument document)
    {
        if (document.Kind != ManifestKinds.Workload)
        {
            document.Root.RequiredField("kind").Fail($"expected kind {ManifestKinds.Workload}, found '{document.Kind}'");
        }
        var spec = document.Spec;
        if (!spec.IsMapping)
        {
            spec.Fail("expected a mapping with the workload's containers");
        }
        spec.ExpectFields("replicas", "desiredState", "restartPolicy", "retry", "containers",
            "nodeSelector", "affinity", "tolerations", "topologySpreadConstraints", "priorityClassName",
            "reservation", "gang", "placement", "dependencies");

        var (replicas, range) = spec.Field("replicas") is { } replicasNode ? ReplicasReader.ReadCountOrRange(replicasNode) : (1, null);
        var desiredState = spec.Field("desiredState") is { } stateNode ? ReadDesiredState(stateNode) : DesiredState.Running;
        var restartPolicy = spec.Field("restartPolicy")?.AsEnum<RestartPolicy>() ?? RestartPolicy.Always;
        var retry = spec.Field("retry") is { } retryNode ? ReadRetry(retryNode) : RetryPolicy.Default;
        var containers = ReadContainers(spec.RequiredField("containers"));
        var dependencies = FleetPlacementReader.ReadDependencies(spec.Field("dependencies"));

        string? priorityClassName = null;
        if (spec.Field("priorityClassName") is { } classNode && classNode.AsString().Length > 0)
        {
            priorityClassName = classNode.AsString();
            if (ManifestNames.ValidateDnsSubdomain(priorityClassName) is { } classError)
            {
                classNode.Fail(classError);
            }
        }

        return new WorkloadSpec(
            document.Name,
            document.Namespace,
            document.Labels,
            replicas,
            containers,
            InitContainers: [],
            Overhead: ResourceList.Empty,
            // The priority value comes from the named priority class, resolved when the workload is applied (PriorityClassAdmission).
            Priority: 0,
            PreemptionPolicy.PreemptLowerPriority,
            NodeName: null,
            LabelsReader.Read(spec.Field("nodeSelector")),
            AffinityReader.Read(spec.Field("affinity")),
            TolerationReader.ReadList(spec.Field("tolerations")),
            TopologySpreadReader.ReadList(spec.Field("topologySpreadConstraints")),
            priorityClassName,
            restartPolicy,
            desiredState,
            retry,
            range)
        {
            Reservation = ReadReservationName(spec.Field("reservation")),
            Gang = GangReader.Read(spec.Field("gang"), replicas),
            Dependencies = dependencies,
            Placement = FleetPlacementReader.Read(spec.Field("placement"), dependencies),
        };
    }

    /// <summary>The name of the reservation a workload uses (<c>reservation: NAME</c>), or null when none or empty.</summary>
    public static string? ReadReservationName(ManifestNode? node)
    {
        if (node is null || node.AsString().Length == 0)
        {
            return null;
        }
        return node.AsDnsLabel();
    }

    /// <summary>Running or Stopped; Deleted is only ever set by deleting the workload.</summary>
    private static DesiredState ReadDesiredState(ManifestNode node)
    {
        var text = node.AsString();
        return text switch
        {
            nameof(DesiredState.Running) => DesiredState.Running,
            nameof(DesiredState.Stopped) => DesiredState.Stopped,
            nameof(DesiredState.Deleted) => throw node.Error("'Deleted' cannot be applied; delete the workload with berth delete, or use Running or Stopped"),
            _ => throw node.Error($"'{text}' is not valid; use Running or Stopped"),
        };
    }

    private static RetryPolicy ReadRetry(ManifestNode node)
    {
        node.ExpectFields("maxAttempts");
        if (node.Field("maxAttempts") is not { } attemptsNode)
        {
            return RetryPolicy.Default;
        }
        int attempts = attemptsNode.AsInt();
        if (attempts is < RetryPolicy.MinAttempts or > RetryPolicy.MaxAllowedAttempts)
        {
            attemptsNode.Fail($"{attempts} is out of range; use {RetryPolicy.MinAttempts} to {RetryPolicy.MaxAllowedAttempts}");
        }
        return new RetryPolicy(attempts);
    }

    /// <summary>
    /// Checks what a manifest container needs beyond what <see cref="ContainersReader"/> checks (a name and a command, and
    /// resources only under <c>resources</c>), then reads the list with it.
    /// </summary>
    private static IReadOnlyList<ContainerSpec> ReadContainers(ManifestNode node)
    {
        var items = node.Items();
        if (items.Count == 0)
        {
            node.Fail("no containers; give at least one, e.g. [{name: main, command: [sleep, \"3600\"]}]");
        }
        foreach (var item in items)
        {
            item.ExpectFields("name", "command", "args", "env", "workingDir", "resources");
            item.RequiredField("name");
            var commandNode = item.RequiredField("command");
            var command = commandNode.AsStringList();
            if (command.Count == 0)
            {
                commandNode.Fail("is empty; give the program and its arguments, e.g. [python3, -m, http.server, \"8080\"]");
            }
            if (command[0].Length == 0)
            {
                commandNode.Items()[0].Fail("the program must not be empty");
            }
        }
        return ContainersReader.ReadList(node);
    }
}
