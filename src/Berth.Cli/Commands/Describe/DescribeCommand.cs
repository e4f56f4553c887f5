using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Cli.Commands.Get;
using Berth.Server.Api;
using Berth.Server.State;

namespace Berth.Cli.Commands.Describe;

/// <summary><c>berth describe workload NS/NAME|NAME [-n NS]</c> and <c>berth describe node NAME</c>: one resource in detail.</summary>
public static class DescribeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var workloadName = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var workload = new Command("workload", "Show a workload's spec, replicas and recent events") { workloadName, ns };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(workloadName), parseResult.GetValue(ns));
            var detail = BerthClient.Read<WorkloadDetail>(await client.GetAsync(reference.Path, cancellationToken).ConfigureAwait(false));
            WriteWorkload(detail, output);
            if (detail.Workload.Spec.Placement is not null)
            {
                var fleetPath = $"v1/fleet/workloads/{Uri.EscapeDataString(reference.Namespace)}/{Uri.EscapeDataString(reference.Name)}";
                FleetDescription.Write(BerthClient.Read<Berth.Server.Fleet.FleetWorkloadView>(await client.GetAsync(fleetPath, cancellationToken).ConfigureAwait(false)), output);
            }
            return 0;
        });

        var nodeName = new Argument<string>("name") { Description = "The node's name" };
        var node = new Command("node", "Show a node's spec, status, replicas and recent events") { nodeName };
        ClientAction.Set(node, async (parseResult, client, output, cancellationToken) =>
        {
            var name = parseResult.GetRequiredValue(nodeName);
            var nodes = BerthClient.Read<NodeView[]>(await client.GetAsync("v1/nodes", cancellationToken).ConfigureAwait(false));
            var view = nodes.FirstOrDefault(n => n.Name == name) ?? throw new ClientException(ClientMessages.NodeNotFound(name), Program.UsageError);
            var replicas = BerthClient.Read<AssignmentView[]>(await client.GetAsync("v1/assignments", cancellationToken).ConfigureAwait(false));
            var events = BerthClient.Read<EventsResponse>(
                await client.GetAsync("v1/events?limit=" + BerthApi.MaxEventLimit, cancellationToken).ConfigureAwait(false)).Events;
            WriteNode(view, [.. replicas.Where(r => r.Assignment.Node == name)], [.. events.Where(e => e.Subject == name || e.Message.Contains(name, StringComparison.Ordinal))], output);
            return 0;
        });
        var command = new Command("describe", "Show one resource in detail") { workload, node };
        foreach (var kind in ObjectKinds.All)
        {
            // Rules show where they stand (firing, episodes, deliveries), not only their spec.
            command.Subcommands.Add(kind == ObjectKinds.Rules ? RuleDescription.Command() : ObjectCommand(kind));
        }
        return command;
    }

    private static Command ObjectCommand(ObjectKind kind)
    {
        var name = new Argument<string>("name") { Description = kind.Namespaced ? $"The {kind.Kind}: NAME or NAMESPACE/NAME" : $"The {kind.Kind}'s name" };
        var ns = CommonOptions.Namespace();
        var command = new Command(kind.Kind.ToLowerInvariant(), $"Show a {kind.Kind} as stored") { name };
        if (kind.Namespaced)
        {
            command.Options.Add(ns);
        }
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var given = parseResult.GetRequiredValue(name);
            var (wantedNamespace, wantedName) = ("", given);
            if (kind.Namespaced)
            {
                var reference = WorkloadReference.Parse(given, parseResult.GetValue(ns));
                (wantedNamespace, wantedName) = (reference.Namespace, reference.Name);
            }
            var objects = BerthClient.Read<ObjectView[]>(await client.GetAsync("v1/objects/" + kind.Plural, cancellationToken).ConfigureAwait(false));
            var view = objects.FirstOrDefault(o => o.Name == wantedName && o.Namespace == wantedNamespace)
                ?? throw new ClientException(ClientMessages.ObjectNotFound(kind.Kind, given, kind.Plural), Program.UsageError);
            ObjectDescription.Write(view, output);
            return 0;
        });
        return command;
    }

    /// <summary>Writes a workload's summary, replicas and events.</summary>
    public static void WriteWorkload(WorkloadDetail detail, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(output);
        var spec = detail.Workload.Spec;
        Field(output, "Name", spec.Name);
        Field(output, "Namespace", spec.Namespace);
        Field(output, "Revision", Render.Number(detail.Workload.Revision));
        Field(output, "Labels", Render.Pairs(spec.Labels));
        Field(output, "Replicas", Render.Number(spec.Replicas));
        Field(output, "Desired state", spec.DesiredState.ToString());
        Field(output, "Restart policy", spec.RestartPolicy.ToString());
        Field(output, "Priority", Render.Number(spec.Priority));
        Field(output, "Priority class", spec.PriorityClassName ?? Render.None);
        Field(output, "Preemption", spec.PreemptionPolicy.ToString());
        if (spec.Gang is { } gang)
        {
            Field(output, "Gang", $"minAvailable {Render.Number(gang.MinAvailable)}, timeoutSeconds {Render.Number(gang.TimeoutSeconds)}");
        }
        Field(output, "Node selector", Render.Pairs(spec.NodeSelector));
        output.WriteLine("Containers:");
        foreach (var c in spec.Containers)
        {
            output.WriteLine($"  {c.Name}: {string.Join(' ', c.Command.Concat(c.Args))}");
            output.WriteLine($"    requests: {Render.Resources(c.Resources.Requests)}  limits: {Render.Resources(c.Resources.Limits)}");
        }
        output.WriteLine("Replicas:");
        if (detail.Assignments.Count == 0)
        {
            output.WriteLine($"  {Render.None}");
        }
        else
        {
            Render.Columns(
                output,
                ["REPLICA", "NODE", "STATE", "EXPLANATION"],
                detail.Assignments.Select(a => (IReadOnlyList<string>)[Render.Number(a.Assignment.Replica), a.Assignment.Node, a.Assignment.State.ToString(), a.Assignment.Explanation]),
                "  ");
        }
        WriteEvents(detail.Events, output);
    }

    /// <summary>Writes a node's spec, status, replicas and events.</summary>
    public static void WriteNode(NodeView node, IReadOnlyList<AssignmentView> replicas, IReadOnlyList<ClusterEvent> events, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(output);
        Field(output, "Name", node.Name);
        Field(output, "Revision", Render.Number(node.Revision));
        Field(output, "Ready", node.Status.Ready ? "True" : "False");
        Field(output, "Schedulable", node.Spec.Unschedulable ? "False (cordoned)" : "True");
        Field(output, "Last heartbeat", Render.Time(node.LastHeartbeat));
        Field(output, "Labels", Render.Pairs(node.Spec.Labels));
        Field(output, "Taints", node.Spec.Taints.Count == 0 ? Render.None : string.Join(",", node.Spec.Taints.Select(t => $"{t.Key}={t.Value}:{t.Effect}")));
        Field(output, "Allocatable", Render.Resources(node.Spec.Allocatable));
        output.WriteLine("Replicas:");
        if (replicas.Count == 0)
        {
            output.WriteLine($"  {Render.None}");
        }
        else
        {
            Render.Columns(
                output,
                ["WORKLOAD", "REPLICA", "STATE", "REQUESTS"],
                replicas.Select(a => (IReadOnlyList<string>)[a.Assignment.Workload.ToString(), Render.Number(a.Assignment.Replica), a.Assignment.State.ToString(), Render.Resources(a.Assignment.Requests)]),
                "  ");
        }
        WriteEvents(events, output);
    }

    private static void WriteEvents(IReadOnlyList<ClusterEvent> events, TextWriter output)
    {
        output.WriteLine("Events:");
        if (events.Count == 0)
        {
            output.WriteLine($"  {Render.None}");
            return;
        }
        Render.Columns(output, ["REVISION", "TIME", "TYPE", "SUBJECT", "MESSAGE"], events.Select(GetCommand.EventRow), "  ");
    }

    private static void Field(TextWriter output, string name, string value) => output.WriteLine($"{name + ":",-16}{value}");
}
