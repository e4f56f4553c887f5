using System.CommandLine;
using System.Text.Json;
using Berth.Cli.Commands.Client;
using Berth.Core.Manifests;
using Berth.Server.Api;
using Berth.Server.State;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get nodes|workloads|replicas|events|servers [-o table|wide|json|yaml] [-w]</c>: lists resources; <c>-w</c> follows events.</summary>
public static class GetCommand
{
    /// <summary>The resources <c>get</c> lists.</summary>
    public static readonly IReadOnlyList<string> Resources = ["nodes", "workloads", "replicas", "events", "servers", "clusters", "regions", "tokens", "audit"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var resource = new Argument<string>("resource") { Description = "What to list: nodes, workloads, replicas, events, servers, clusters (fleet clusters) or regions (child region control planes)" };
        resource.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!Resources.Contains(value) && ObjectKinds.Find(value) is null)
            {
                result.AddError(ClientMessages.UnknownResource(value));
            }
        });
        var output = CommonOptions.ResourceOutput();
        var watch = new Option<bool>("--watch", "-w") { Description = "For events: print them, then follow new ones until Ctrl+C" };
        var auditUser = new Option<string?>("--user") { Description = "For audit: only this user's calls" };
        var auditSince = new Option<string?>("--since") { Description = "For audit: only calls this long ago or later (e.g. 30m, 1h, 7d)" };
        var auditLimit = new Option<int?>("--limit") { Description = "For audit: at most this many entries, the latest (default 100)" };
        var command = new Command("get", "List nodes, workloads, replicas, events or servers") { resource, output, watch, auditUser, auditSince, auditLimit };
        command.Validators.Add(result =>
        {
            bool auditOptions = result.GetValue(auditUser) is not null || result.GetValue(auditSince) is not null || result.GetValue(auditLimit) is not null;
            if (auditOptions && result.GetValue(resource) != "audit")
            {
                result.AddError(ClientMessages.AuditOptionsOnlyAudit);
            }
        });
        command.Validators.Add(result =>
        {
            if (result.GetValue(watch) && result.GetValue(resource) is { } r && Resources.Contains(r) && r != "events")
            {
                result.AddError(ClientMessages.WatchOnlyEvents);
            }
        });
        ClientAction.Set(command, (parseResult, client, writer, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            return parseResult.GetRequiredValue(resource) switch
            {
                "nodes" => ListAsync(client, "v1/nodes", format, writer, NodeTable, cancellationToken),
                "workloads" => ListAsync(client, "v1/workloads", format, writer, WorkloadTable, cancellationToken),
                "replicas" => ListAsync(client, "v1/assignments", format, writer, ReplicaTable, cancellationToken),
                "servers" => ListAsync(client, "v1/servers", format, writer, ServerTable, cancellationToken),
                "clusters" => ListAsync(client, FleetClusterTable.Path, format, writer, FleetClusterTable.Write, cancellationToken),
                "regions" => ListAsync(client, RegionTable.Path, format, writer, RegionTable.Write, cancellationToken),
                "tokens" => ListAsync(client, SecurityTables.TokensPath, format, writer, SecurityTables.Tokens, cancellationToken),
                "audit" => ListAsync(client, AuditQuery(parseResult.GetValue(auditUser), parseResult.GetValue(auditSince), parseResult.GetValue(auditLimit)), format, writer, SecurityTables.Audit, cancellationToken),
                var roles when ObjectKinds.Find(roles) == ObjectKinds.Roles => ListAsync(client, SecurityTables.RolesPath, format, writer, SecurityTables.Roles, cancellationToken),
                var bindings when ObjectKinds.Find(bindings) == ObjectKinds.RoleBindings => ListAsync(client, SecurityTables.RoleBindingsPath, format, writer, SecurityTables.RoleBindings, cancellationToken),
                var quotas when ObjectKinds.Find(quotas) == QuotaAdmission.Kind => ListAsync(client, "v1/quotas", format, writer, QuotaTable.Write, cancellationToken),
                var pools when ObjectKinds.Find(pools) == ObjectKinds.Pools => ListAsync(client, "v1/fleet/pools", format, writer, PoolTable.Write, cancellationToken),
                var named when ObjectKinds.Find(named) == ObjectKinds.Reservations => ListAsync(client, "v1/reservations", format, writer, ReservationTable.Write, cancellationToken),
                var classes when ObjectKinds.Find(classes)?.Kind == ManifestKinds.PriorityClass => ListAsync(client, "v1/objects/priorityclasses", format, writer, PriorityClassTable, cancellationToken),
                var other when ObjectKinds.Find(other) is { } kind => ListAsync(client, "v1/objects/" + kind.Plural, format, writer, ObjectTable, cancellationToken),
                _ => parseResult.GetValue(watch)
                    ? WatchEventsAsync(client, format, writer, cancellationToken)
                    : ListAsync(client, "v1/events?limit=" + BerthApi.MaxEventLimit, format, writer, EventTable, cancellationToken),
            };
        });
        return command;
    }

    /// <summary>The audit log's path with the query of <c>--user</c>, <c>--since</c> and <c>--limit</c>.</summary>
    public static string AuditQuery(string? user, string? since, int? limit)
    {
        var query = new List<string>();
        if (user is not null)
        {
            query.Add("user=" + Uri.EscapeDataString(user));
        }
        if (since is not null)
        {
            query.Add("since=" + Uri.EscapeDataString(since));
        }
        if (limit is { } n)
        {
            query.Add("limit=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return SecurityTables.AuditPath + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    private static async Task<int> ListAsync(
        BerthClient client, string path, OutputFormat format, TextWriter output, Action<string, bool, TextWriter> table, CancellationToken cancellationToken)
    {
        var json = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (format is OutputFormat.Json or OutputFormat.Yaml)
        {
            Render.Document(json, format, output);
        }
        else
        {
            table(json, format == OutputFormat.Wide, output);
        }
        return 0;
    }

    /// <summary>Nodes as columns.</summary>
    public static void NodeTable(string json, bool wide, TextWriter output)
    {
        var nodes = BerthClient.Read<NodeView[]>(json);
        string[] headers = wide
            ? ["NAME", "READY", "SCHEDULABLE", "ALLOCATABLE", "LAST HEARTBEAT", "LABELS", "TAINTS"]
            : ["NAME", "READY", "SCHEDULABLE", "ALLOCATABLE"];
        Render.Columns(output, headers, nodes.Select(n =>
        {
            string[] row = [n.Name, n.Status.Ready ? "True" : "False", n.Spec.Unschedulable ? "False" : "True", Render.Resources(n.Spec.Allocatable)];
            return wide
                ? (IReadOnlyList<string>)[.. row, Render.Time(n.LastHeartbeat), Render.Pairs(n.Spec.Labels), n.Spec.Taints.Count == 0 ? Render.None : string.Join(",", n.Spec.Taints.Select(t => $"{t.Key}={t.Value}:{t.Effect}"))]
                : row;
        }));
    }

    /// <summary>Workloads as columns.</summary>
    public static void WorkloadTable(string json, bool wide, TextWriter output)
    {
        var workloads = BerthClient.Read<WorkloadView[]>(json);
        string[] headers = wide
            ? ["NAMESPACE", "NAME", "REPLICAS", "DESIRED", "REVISION", "PRIORITY", "RESTART", "CONTAINERS"]
            : ["NAMESPACE", "NAME", "REPLICAS", "DESIRED", "REVISION"];
        Render.Columns(output, headers, workloads.Select(w =>
        {
            string[] row = [w.Namespace, w.Name, Render.Number(w.Spec.Replicas), w.Spec.DesiredState.ToString(), Render.Number(w.Revision)];
            return wide
                ? (IReadOnlyList<string>)[.. row, Render.Number(w.Spec.Priority), w.Spec.RestartPolicy.ToString(), string.Join(",", w.Spec.Containers.Select(c => c.Name))]
                : row;
        }));
    }

    /// <summary>Replicas (assignments) as columns.</summary>
    public static void ReplicaTable(string json, bool wide, TextWriter output)
    {
        var replicas = BerthClient.Read<AssignmentView[]>(json);
        string[] headers = wide
            ? ["WORKLOAD", "REPLICA", "NODE", "STATE", "REQUESTS", "REVISION", "EXPLANATION"]
            : ["WORKLOAD", "REPLICA", "NODE", "STATE"];
        Render.Columns(output, headers, replicas.Select(r =>
        {
            var a = r.Assignment;
            string[] row = [a.Workload.ToString(), Render.Number(a.Replica), a.Node, a.State.ToString()];
            return wide ? (IReadOnlyList<string>)[.. row, Render.Resources(a.Requests), Render.Number(r.Revision), a.Explanation] : row;
        }));
    }

    /// <summary>Servers of the control plane as columns; SINCE is when each started. Wide adds the leader's term.</summary>
    public static void ServerTable(string json, bool wide, TextWriter output)
    {
        var servers = BerthClient.Read<ServersResponse>(json);
        string[] headers = wide ? ["NAME", "API", "GRPC", "ROLE", "SINCE", "TERM"] : ["NAME", "API", "GRPC", "ROLE", "SINCE"];
        Render.Columns(output, headers, servers.Servers.Select(s =>
        {
            string[] row = [s.Id, s.ApiAddress, s.GrpcAddress, s.Role, Render.Time(s.StartedAt)];
            return wide
                ? (IReadOnlyList<string>)[.. row, s.Id == servers.Leader ? Render.Number(servers.Term) : Render.None]
                : row;
        }));
    }

    /// <summary>Objects of a kind other than Workload as columns, for kinds without a table of their own.</summary>
    public static void ObjectTable(string json, bool wide, TextWriter output)
    {
        var objects = BerthClient.Read<ObjectView[]>(json);
        Render.Columns(output, ["KIND", "NAMESPACE", "NAME", "REVISION"], objects.Select(o =>
            (IReadOnlyList<string>)[o.Kind, o.Namespace.Length == 0 ? Render.None : o.Namespace, o.Name, Render.Number(o.Revision)]));
    }

    /// <summary>Priority classes as columns, highest value first.</summary>
    public static void PriorityClassTable(string json, bool wide, TextWriter output)
    {
        var objects = BerthClient.Read<ObjectView[]>(json);
        var rows = objects
            .Select(o => (o.Name, Spec: o.Spec))
            .OrderByDescending(o => o.Spec.GetProperty("value").GetInt32())
            .ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => (IReadOnlyList<string>)[
                o.Name,
                Render.Number(o.Spec.GetProperty("value").GetInt32()),
                o.Spec.GetProperty("globalDefault").GetBoolean() ? "true" : "false",
                o.Spec.GetProperty("preemptionPolicy").GetString() ?? "",
                o.Spec.GetProperty("description").GetString() is { Length: > 0 } d ? d : Render.None]);
        Render.Columns(output, ["NAME", "VALUE", "GLOBAL-DEFAULT", "PREEMPTION", "DESCRIPTION"], rows);
    }

    /// <summary>Events as columns.</summary>
    public static void EventTable(string json, bool wide, TextWriter output)
    {
        var events = BerthClient.Read<EventsResponse>(json).Events;
        Render.Columns(output, ["REVISION", "TIME", "TYPE", "SUBJECT", "MESSAGE"], events.Select(EventRow));
    }

    /// <summary>The cells of one event.</summary>
    public static IReadOnlyList<string> EventRow(ClusterEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return [Render.Number(e.Revision), Render.Time(e.Time), e.Type.ToString(), e.Subject, e.Message];
    }

    private static async Task<int> WatchEventsAsync(BerthClient client, OutputFormat format, TextWriter output, CancellationToken cancellationToken)
    {
        // Columns cannot be sized ahead of a stream, so table lines use fixed widths wide enough for common values.
        int[] widths = [10, 23, 24, 32];
        if (format is OutputFormat.Table or OutputFormat.Wide)
        {
            await output.WriteLineAsync(Line(["REVISION", "TIME", "TYPE", "SUBJECT", "MESSAGE"], widths)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await foreach (var json in client.FollowEventsAsync(0, cancellationToken).ConfigureAwait(false))
        {
            var text = format switch
            {
                // One object per line, so programs can read the stream line by line.
                OutputFormat.Json => Render.Json(json, indented: false),
                OutputFormat.Yaml => "---\n" + Render.YamlOf(json).TrimEnd('\n'),
                _ => Line(EventRow(JsonSerializer.Deserialize(json, ApiJson.Info<ClusterEvent>())!), widths),
            };
            await output.WriteLineAsync(text).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Concat(cells.Select((c, i) => i < widths.Length ? c.PadRight(widths[i] - 1) + " " : c)).TrimEnd();
}
