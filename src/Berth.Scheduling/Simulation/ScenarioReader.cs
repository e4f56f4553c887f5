using System.Globalization;
using Berth.Core.Manifests;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Simulation;

/// <summary>
/// Reads a what-if scenario (YAML or JSON, spec/scenario.md) into a <see cref="Scenario"/>. Every problem is a
/// <see cref="ManifestException"/> naming the field path, e.g. <c>workloads[2].affinity.nodeAffinity.foo: unknown field</c>.
/// </summary>
/// <remarks>
/// Defaults applied to nodes, as a kubelet does when it registers a node: a node whose allocatable omits <c>pods</c> can
/// hold 110 replicas, and every node carries the label <c>kubernetes.io/hostname</c> set to its name unless given.
/// </remarks>
public static class ScenarioReader
{
    /// <summary>Replicas a node can hold when its allocatable omits <c>pods</c> (the kubelet's default maxPods).</summary>
    public const int DefaultMaxPods = 110;

    /// <summary>The label every Kubernetes node carries with its own name.</summary>
    public const string HostnameLabel = Berth.Core.Labels.WellKnownLabels.Hostname;

    /// <summary>Reads a scenario from YAML or JSON text.</summary>
    /// <param name="registry">Plugins a custom profile may name (default: the built-in registry).</param>
    /// <param name="profiles">Custom profiles (from a profiles file) that <c>profile.name</c> may name besides the built-in ones.</param>
    /// <exception cref="ManifestException">The scenario is malformed; the message names the field path.</exception>
    public static Scenario Read(string text, PluginRegistry? registry = null, IReadOnlyDictionary<string, SchedulingProfile>? profiles = null) =>
        Read(ManifestNode.Parse(text), registry, profiles);

    /// <summary>Reads a scenario from a parsed document.</summary>
    public static Scenario Read(ManifestNode root, PluginRegistry? registry = null, IReadOnlyDictionary<string, SchedulingProfile>? profiles = null)
    {
        registry ??= PluginRegistry.Default;
        if (!root.IsNull && !root.IsMapping)
        {
            root.Fail("a scenario must be a mapping with nodes and workloads");
        }
        root.ExpectFields("profile", "nodes", "namespaces", "disruptionBudgets", "placed", "workloads", "quotas", "reservations", "time", "priorityClasses");
        var profile = ReadProfile(root.Field("profile"), registry, profiles);
        var nodes = ReadNodes(root.Field("nodes"));
        var namespaces = ReadNamespaces(root.Field("namespaces"));
        var budgets = ReadBudgets(root.Field("disruptionBudgets"));
        var placed = ReadPlaced(root.Field("placed"), nodes);
        var workloads = ReadWorkloads(root.Field("workloads"));
        var priorityClasses = PriorityClassReader.ReadList(root.Field("priorityClasses"));
        AdmitPriorities(root.Field("placed"), placed, priorityClasses);
        AdmitPriorities(root.Field("workloads"), workloads, priorityClasses);
        var quotas = ReadQuotas(root.Field("quotas"));
        var reservations = ScenarioReservationsReader.Read(root.Field("reservations"), nodes);
        ScenarioReservationsReader.CheckUsers(root.Field("workloads"), workloads, reservations);
        ScenarioReservationsReader.CheckUsers(root.Field("placed"), [.. placed.Select(p => p.Spec)], reservations);
        return new Scenario(profile, nodes, namespaces, budgets, placed, workloads)
        {
            Quotas = quotas,
            Reservations = reservations,
            Time = root.Field("time") is { } timeNode ? ReservationManifestReader.ReadTime(timeNode) : null,
        };
    }

    // ---- profile ----

    private static SchedulingProfile ReadProfile(ManifestNode? node, PluginRegistry registry, IReadOnlyDictionary<string, SchedulingProfile>? custom)
    {
        if (node is null)
        {
            return BuiltInProfiles.Default;
        }
        node.ExpectFields("name", "filters", "scores", "postFilters", "tiebreak", "seed");
        var profile = node.Field("name") is { } nameNode ? FindProfile(nameNode, custom) : BuiltInProfiles.Default;
        return ReadProfileOverrides(node, profile, registry);
    }

    /// <summary>A built-in profile, or a custom one, by the name a node holds; the error lists every known name.</summary>
    internal static SchedulingProfile FindProfile(ManifestNode nameNode, IReadOnlyDictionary<string, SchedulingProfile>? custom)
    {
        var name = nameNode.AsString();
        if (BuiltInProfiles.Find(name) is { } builtIn)
        {
            return builtIn;
        }
        if (custom is not null && custom.TryGetValue(name, out var mine))
        {
            return mine;
        }
        var known = BuiltInProfiles.Names.Concat(custom?.Keys ?? []);
        var hint = custom is null ? ", or define it in a profiles file (berth simulate --profiles FILE)" : "";
        throw nameNode.Error($"unknown profile '{name}'; use one of {string.Join(", ", known)}{hint}");
    }

    /// <summary>Applies the plugin lists, tiebreak and seed a profile node gives on top of <paramref name="profile"/>.</summary>
    internal static SchedulingProfile ReadProfileOverrides(ManifestNode node, SchedulingProfile profile, PluginRegistry registry)
    {
        if (node.Field("filters") is { } filters)
        {
            profile = profile with { Filters = ReadPluginList(filters, registry, PluginRole.Filter) };
        }
        if (node.Field("scores") is { } scores)
        {
            profile = profile with { Scores = ReadScoreList(scores, registry) };
        }
        if (node.Field("postFilters") is { } postFilters)
        {
            profile = profile with { PostFilters = ReadPluginList(postFilters, registry, PluginRole.PostFilter) };
        }
        if (node.Field("tiebreak") is { } tiebreak)
        {
            profile = profile with { Tiebreak = ReadTiebreak(tiebreak) };
        }
        if (node.Field("seed") is { } seed)
        {
            profile = profile with { Seed = seed.AsInt() };
        }
        CheckArgsAgree(node, profile);
        return profile;
    }

    /// <summary>
    /// One plugin instance serves every point it is named at, so its args must agree wherever they are given; say
    /// where the second, different set is, rather than leaving it to the scheduler's profile check.
    /// </summary>
    private static void CheckArgsAgree(ManifestNode node, SchedulingProfile profile)
    {
        var given = new Dictionary<string, (PluginArgs Args, string Path)>(StringComparer.Ordinal);
        void Check(string list, int index, string plugin, PluginArgs? args)
        {
            if (args is null)
            {
                return;
            }
            var items = node.Field(list)?.Items();
            string path = items is not null && index < items.Count ? items[index].ChildPath("args") : $"{node.Path}.{list} (from the base profile)";
            if (given.TryGetValue(plugin, out var first) && !Equals(first.Args, args))
            {
                throw new ManifestException(path, $"plugin '{plugin}' is given other args at {first.Path}; give its args once");
            }
            given.TryAdd(plugin, (args, path));
        }
        for (int i = 0; i < profile.Filters.Count; i++)
        {
            Check("filters", i, profile.Filters[i].Name, profile.Filters[i].Args);
        }
        for (int i = 0; i < profile.Scores.Count; i++)
        {
            Check("scores", i, profile.Scores[i].Name, profile.Scores[i].Args);
        }
        for (int i = 0; i < profile.PostFilters.Count; i++)
        {
            Check("postFilters", i, profile.PostFilters[i].Name, profile.PostFilters[i].Args);
        }
    }

    private static Tiebreak ReadTiebreak(ManifestNode node) => node.AsString() switch
    {
        "random" => Tiebreak.Random,
        "least_loaded" => Tiebreak.LeastLoaded,
        "round_robin" => Tiebreak.RoundRobin,
        "weighted_random" => Tiebreak.WeightedRandom,
        "first" => Tiebreak.First,
        var other => throw node.Error($"'{other}' is not a tiebreak; use one of random, least_loaded, round_robin, weighted_random, first"),
    };

    private static List<PluginReference> ReadPluginList(ManifestNode node, PluginRegistry registry, PluginRole role)
    {
        var result = new List<PluginReference>();
        foreach (var item in node.Items())
        {
            string name;
            PluginArgs? args = null;
            if (item.IsMapping)
            {
                item.ExpectFields("name", "args");
                name = ReadPluginName(item.RequiredField("name"), registry);
                args = ReadPluginArgs(name, item.Field("args"));
            }
            else
            {
                name = ReadPluginName(item, registry);
            }
            if (result.Any(r => r.Name == name))
            {
                item.Fail($"plugin '{name}' is listed twice");
            }
            CheckPlugin(item, registry, name, args, role);
            result.Add(new PluginReference(name, args));
        }
        return result;
    }

    private static List<ScorePluginReference> ReadScoreList(ManifestNode node, PluginRegistry registry)
    {
        var result = new List<ScorePluginReference>();
        foreach (var item in node.Items())
        {
            string name;
            int weight = 1;
            PluginArgs? args = null;
            if (item.IsMapping)
            {
                item.ExpectFields("name", "weight", "args");
                name = ReadPluginName(item.RequiredField("name"), registry);
                if (item.Field("weight") is { } weightNode)
                {
                    weight = weightNode.AsInt();
                    if (weight is < 1 or > 100)
                    {
                        weightNode.Fail($"{weight} is out of range; use 1 to 100");
                    }
                }
                args = ReadPluginArgs(name, item.Field("args"));
            }
            else
            {
                name = ReadPluginName(item, registry);
            }
            if (result.Any(r => r.Name == name))
            {
                item.Fail($"plugin '{name}' is listed twice");
            }
            CheckPlugin(item, registry, name, args, PluginRole.Score);
            result.Add(new ScorePluginReference(name, weight, args));
        }
        return result;
    }

    private enum PluginRole
    {
        Filter,
        Score,
        PostFilter,
    }

    /// <summary>Builds the plugin once so that a plugin at a point it does not implement, or bad args, is reported at its path.</summary>
    private static void CheckPlugin(ManifestNode item, PluginRegistry registry, string name, PluginArgs? args, PluginRole role)
    {
        ISchedulingPlugin plugin;
        try
        {
            plugin = registry.Create("scenario", name, args);
        }
        catch (ProfileException e)
        {
            throw (item.Field("args") ?? item).Error(e.Message);
        }
        bool fits = role switch
        {
            PluginRole.Filter => plugin is IFilterPlugin,
            PluginRole.Score => plugin is IScorePlugin,
            _ => plugin is IPostFilterPlugin,
        };
        if (!fits)
        {
            var point = role switch
            {
                PluginRole.Filter => "a filter",
                PluginRole.Score => "a score plugin",
                _ => "a post-filter",
            };
            item.Fail($"plugin '{name}' cannot be used as {point}");
        }
    }

    private static string ReadPluginName(ManifestNode node, PluginRegistry registry)
    {
        var name = node.AsString();
        if (!registry.Contains(name))
        {
            node.Fail($"unknown plugin '{name}'; known plugins are {string.Join(", ", registry.Names.Order(StringComparer.Ordinal))}");
        }
        return name;
    }

    /// <summary>Typed arguments per plugin name; a plugin with an args type gets a line here.</summary>
    private static PluginArgs? ReadPluginArgs(string plugin, ManifestNode? node)
    {
        if (node is null)
        {
            return null;
        }
        PluginArgs args = plugin switch
        {
            NodeResourcesFit.Name => ReadNodeResourcesFitArgs(node),
            _ => throw node.Error($"plugin '{plugin}' takes no args"),
        };
        return args;
    }

    private static NodeResourcesFitArgs ReadNodeResourcesFitArgs(ManifestNode node)
    {
        node.ExpectFields("strategy", "resources", "shape");
        var strategy = node.Field("strategy")?.AsEnum<ScoringStrategyType>() ?? ScoringStrategyType.LeastAllocated;
        var resources = NodeResourcesFitArgs.DefaultResources;
        if (node.Field("resources") is { } resourcesNode)
        {
            var list = new List<ResourceWeight>();
            foreach (var item in resourcesNode.Items())
            {
                item.ExpectFields("name", "weight");
                var nameNode = item.RequiredField("name");
                var name = nameNode.AsString();
                if (ResourceNames.Validate(name) is { } error)
                {
                    nameNode.Fail(error);
                }
                long weight = 1;
                if (item.Field("weight") is { } weightNode)
                {
                    weight = weightNode.AsLong();
                    if (weight is < 1 or > 100)
                    {
                        weightNode.Fail($"{weight} is out of range; use 1 to 100");
                    }
                }
                list.Add(new ResourceWeight(name, weight));
            }
            if (list.Count == 0)
            {
                resourcesNode.Fail("must name at least one resource");
            }
            resources = list;
        }
        var shape = new List<UtilizationShapePoint>();
        if (node.Field("shape") is { } shapeNode)
        {
            // Read and checked whatever the strategy (the spec's own example gives one with LeastAllocated);
            // only RequestedToCapacityRatio uses it.
            var items = shapeNode.Items();
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                item.ExpectFields("utilization", "score");
                var utilizationNode = item.RequiredField("utilization");
                int utilization = utilizationNode.AsInt();
                if (utilization is < 0 or > 100)
                {
                    utilizationNode.Fail($"{utilization} is out of range; use 0 to 100");
                }
                if (i > 0 && utilization <= shape[i - 1].Utilization)
                {
                    utilizationNode.Fail("points must be in increasing utilization");
                }
                var scoreNode = item.RequiredField("score");
                int score = scoreNode.AsInt();
                if (score is < 0 or > 10)
                {
                    scoreNode.Fail($"{score} is out of range; use 0 to 10");
                }
                shape.Add(new UtilizationShapePoint(utilization, score));
            }
        }
        var args = new NodeResourcesFitArgs(strategy, resources, shape);
        if (args.Validate() is { } invalid)
        {
            node.Fail(invalid);
        }
        return args;
    }

    // ---- cluster ----

    private static List<NodeSpec> ReadNodes(ManifestNode? node)
    {
        var nodes = new List<NodeSpec>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields("name", "labels", "taints", "allocatable", "unschedulable", "ready");
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsString();
            if (ManifestNames.ValidateDnsSubdomain(name) is { } nameError)
            {
                nameNode.Fail(nameError);
            }
            if (nodes.Any(n => n.Name == name))
            {
                nameNode.Fail($"node '{name}' is listed twice; node names must be unique");
            }
            var labels = new Dictionary<string, string>(LabelsReader.Read(item.Field("labels")), StringComparer.Ordinal);
            labels.TryAdd(HostnameLabel, name);
            var allocatable = ResourceListReader.Read(item.Field("allocatable"));
            if (!allocatable.ContainsKey(ResourceNames.Pods))
            {
                allocatable = allocatable.With(ResourceNames.Pods, new Quantity(DefaultMaxPods));
            }
            nodes.Add(new NodeSpec(
                name,
                labels,
                TaintReader.ReadList(item.Field("taints")),
                allocatable,
                item.Bool("unschedulable", false),
                item.Bool("ready", true)));
        }
        return nodes;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadNamespaces(ManifestNode? node)
    {
        var namespaces = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields("name", "labels");
            var nameNode = item.RequiredField("name");
            var name = nameNode.AsDnsLabel();
            if (!namespaces.TryAdd(name, LabelsReader.Read(item.Field("labels"))))
            {
                nameNode.Fail($"namespace '{name}' is listed twice");
            }
        }
        return namespaces;
    }

    private static List<DisruptionBudget> ReadBudgets(ManifestNode? node)
    {
        var budgets = new List<DisruptionBudget>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields("name", "namespace", "selector", "minAvailable", "maxUnavailable");
            var name = item.RequiredField("name").AsDnsLabel();
            var ns = item.Field("namespace") is { } nsNode ? nsNode.AsDnsLabel() : WorkloadSpec.DefaultNamespace;
            var selector = SelectorReader.ReadLabelSelector(item.RequiredField("selector"))!;
            var min = item.Field("minAvailable") is { } minNode ? ReadIntOrPercent(minNode) : (string?)null;
            var max = item.Field("maxUnavailable") is { } maxNode ? ReadIntOrPercent(maxNode) : (string?)null;
            if ((min is null) == (max is null))
            {
                item.Fail("give exactly one of minAvailable and maxUnavailable");
            }
            if (budgets.Any(b => b.Name == name && b.Namespace == ns))
            {
                item.RequiredField("name").Fail($"budget '{ns}/{name}' is listed twice");
            }
            budgets.Add(new DisruptionBudget(name, ns, selector, min, max));
        }
        return budgets;
    }

    /// <summary>The <c>quotas</c> section: the fields of a Quota manifest's spec, with name and namespace beside them.</summary>
    private static List<QuotaSpec> ReadQuotas(ManifestNode? node)
    {
        var quotas = new List<QuotaSpec>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields("name", "namespace", "hard", "soft", "allowBurst", "maxBurstPercent");
            var name = item.RequiredField("name").AsDnsLabel();
            var ns = item.Field("namespace") is { } nsNode ? nsNode.AsDnsLabel() : WorkloadSpec.DefaultNamespace;
            if (quotas.Any(q => q.Name == name && q.Namespace == ns))
            {
                item.RequiredField("name").Fail($"quota '{ns}/{name}' is listed twice");
            }
            quotas.Add(QuotaManifestReader.ReadSpec(item, name, ns));
        }
        return quotas;
    }

    /// <summary>A count or a percentage (Kubernetes' IntOrString), kept in its text form.</summary>
    private static string ReadIntOrPercent(ManifestNode node)
    {
        var text = node.AsString();
        bool percent = text.EndsWith('%');
        var digits = percent ? text[..^1] : text;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || (percent && value > 100))
        {
            node.Fail($"'{text}' is not a count or a percentage; use e.g. 1 or \"50%\"");
        }
        return percent ? $"{value.ToString(CultureInfo.InvariantCulture)}%" : value.ToString(CultureInfo.InvariantCulture);
    }

    // ---- replicas ----

    private static List<ExistingReplica> ReadPlaced(ManifestNode? node, List<NodeSpec> nodes)
    {
        var placed = new List<ExistingReplica>();
        foreach (var item in node?.Items() ?? [])
        {
            // Only what a running replica needs to be counted (spec/scenario.md): no placement rules but its affinity.
            item.ExpectFields("name", "namespace", "node", "labels", "priority", "startTime", "requests", "containers", "initContainers",
                "overhead", "affinity",
                "reservation", "priorityClassName");
            var spec = ReadReplicaSpec(item, replicas: 1, nodeName: null);
            var nodeField = item.RequiredField("node");
            var nodeName = nodeField.AsString();
            if (!nodes.Any(n => n.Name == nodeName))
            {
                nodeField.Fail($"no node named '{nodeName}' in nodes");
            }
            DateTimeOffset? startTime = null;
            if (item.Field("startTime") is { } timeNode)
            {
                if (!DateTimeOffset.TryParse(timeNode.AsString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
                {
                    timeNode.Fail($"'{timeNode.AsString()}' is not a time; use RFC 3339, e.g. 2026-01-01T00:00:00Z");
                }
                startTime = time;
            }
            if (placed.Any(p => p.Key == spec.Key))
            {
                item.RequiredField("name").Fail($"replica '{spec.Key}' is listed twice");
            }
            placed.Add(new ExistingReplica(spec, nodeName, startTime));
        }
        return placed;
    }

    private static List<WorkloadSpec> ReadWorkloads(ManifestNode? node)
    {
        var workloads = new List<WorkloadSpec>();
        foreach (var item in node?.Items() ?? [])
        {
            item.ExpectFields("name", "namespace", "replicas", "labels", "requests", "containers", "initContainers", "overhead",
                "priority", "preemptionPolicy", "nodeName", "nodeSelector", "affinity", "tolerations", "topologySpreadConstraints",
                "reservation", "gang", "priorityClassName");
            int replicas = item.Field("replicas") is { } replicasNode ? ReplicasReader.ReadCount(replicasNode) : 1;
            string? nodeName = item.String("nodeName");
            if (string.IsNullOrEmpty(nodeName))
            {
                nodeName = null;
            }
            var spec = ReadReplicaSpec(item, replicas, nodeName) with { Gang = GangReader.Read(item.Field("gang"), replicas) };
            if (workloads.Any(w => w.Key == spec.Key))
            {
                item.RequiredField("name").Fail($"workload '{spec.Key}' is listed twice");
            }
            workloads.Add(spec);
        }
        return workloads;
    }

    /// <summary>The fields a workload and a placed replica share.</summary>
    private static WorkloadSpec ReadReplicaSpec(ManifestNode item, int replicas, string? nodeName)
    {
        var name = item.RequiredField("name").AsDnsLabel();
        var ns = item.Field("namespace") is { } nsNode ? nsNode.AsDnsLabel() : WorkloadSpec.DefaultNamespace;
        IReadOnlyList<ContainerSpec> containers;
        if (item.Field("requests") is { } requests)
        {
            if (item.Has("containers"))
            {
                requests.Fail("give either requests (one container) or containers, not both");
            }
            // The same reading as a container's requests (a workload here has no limits field, so none are read).
            containers = [ContainerSpec.ForResources("main", ContainersReader.ReadRequirements(item))];
        }
        else if (item.Field("containers") is { } containerList)
        {
            containers = ContainersReader.ReadList(containerList);
        }
        else
        {
            containers = [ContainerSpec.ForResources("main", ResourceRequirements.None)];
        }
        var preemptionPolicy = item.Field("preemptionPolicy")?.AsEnum<PreemptionPolicy>() ?? PreemptionPolicy.PreemptLowerPriority;
        return new WorkloadSpec(
            name,
            ns,
            LabelsReader.Read(item.Field("labels")),
            replicas,
            containers,
            ContainersReader.ReadList(item.Field("initContainers"), "init"),
            ResourceListReader.Read(item.Field("overhead")),
            item.Int("priority", 0),
            preemptionPolicy,
            nodeName,
            LabelsReader.Read(item.Field("nodeSelector")),
            AffinityReader.Read(item.Field("affinity")),
            TolerationReader.ReadList(item.Field("tolerations")),
            TopologySpreadReader.ReadList(item.Field("topologySpreadConstraints")))
        {
            Reservation = WorkloadManifestReader.ReadReservationName(item.Field("reservation")),
        };
    }
    // ---- priority classes ----

    /// <summary>Gives the placed replicas their priority from their priority class (see <see cref="AdmitPriority"/>).</summary>
    private static void AdmitPriorities(ManifestNode? list, List<ExistingReplica> placed, IReadOnlyList<PriorityClass> classes)
    {
        var items = list?.Items() ?? [];
        for (int i = 0; i < placed.Count; i++)
        {
            placed[i] = placed[i] with { Spec = AdmitPriority(items[i], placed[i].Spec, classes) };
        }
    }

    /// <summary>Gives the workloads their priority from their priority class (see <see cref="AdmitPriority"/>).</summary>
    private static void AdmitPriorities(ManifestNode? list, List<WorkloadSpec> workloads, IReadOnlyList<PriorityClass> classes)
    {
        var items = list?.Items() ?? [];
        for (int i = 0; i < workloads.Count; i++)
        {
            workloads[i] = AdmitPriority(items[i], workloads[i], classes);
        }
    }

    /// <summary>
    /// Kubernetes' Priority admission over a scenario entry: <c>priorityClassName</c> gives the class's value (an unknown
    /// name is an error); without one, the global default class gives its value unless the entry gives <c>priority</c>
    /// itself. The class's preemption policy applies unless the entry gives <c>preemptionPolicy</c>.
    /// </summary>
    private static WorkloadSpec AdmitPriority(ManifestNode item, WorkloadSpec spec, IReadOnlyList<PriorityClass> classes)
    {
        string? className = null;
        var classNode = item.Field("priorityClassName");
        if (classNode is not null && classNode.AsString().Length > 0)
        {
            className = classNode.AsString();
            if (ManifestNames.ValidateDnsSubdomain(className) is { } nameError)
            {
                classNode.Fail(nameError);
            }
        }
        var priorityClass = PriorityAdmission.ClassFor(className, classes);
        if (priorityClass is null)
        {
            if (className is not null)
            {
                classNode!.Fail(PriorityAdmission.UnknownClass(className, classes));
            }
            return spec;
        }
        var priorityNode = item.Field("priority");
        if (className is null && priorityNode is not null)
        {
            return spec;
        }
        if (priorityNode is not null && spec.Priority != priorityClass.Value)
        {
            priorityNode.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Priority} differs from {priorityClass.Value}, the value of priority class '{priorityClass.Name}'; give priorityClassName or priority, not both"));
        }
        return PriorityAdmission.Admit(spec with { PriorityClassName = className }, priorityClass, keepOwnPolicy: item.Has("preemptionPolicy"));
    }
}
