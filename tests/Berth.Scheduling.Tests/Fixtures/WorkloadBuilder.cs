using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Tests.Fixtures;

/// <summary>Builds test workloads: one replica, one container requesting 100m/500Mi, namespace default, unless told otherwise.</summary>
public sealed class WorkloadBuilder
{
    private static int _counter;
    private readonly string _name;
    private string _namespace = "default";
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private int _replicas = 1;
    private readonly List<ContainerSpec> _containers = [];
    private readonly List<ContainerSpec> _initContainers = [];
    private ResourceList _overhead = ResourceList.Empty;
    private bool _defaultContainer = true;
    private int _priority;
    private PreemptionPolicy _preemptionPolicy = PreemptionPolicy.PreemptLowerPriority;
    private string? _nodeName;
    private readonly Dictionary<string, string> _nodeSelector = new(StringComparer.Ordinal);
    private Berth.Core.Specs.NodeAffinity _nodeAffinity = Berth.Core.Specs.NodeAffinity.None;
    private ReplicaAffinity _podAffinity = ReplicaAffinity.None;
    private ReplicaAffinity _podAntiAffinity = ReplicaAffinity.None;
    private readonly List<Toleration> _tolerations = [];
    private readonly List<TopologySpreadConstraint> _spread = [];
    private string? _reservation;

    public WorkloadBuilder(string? name = null) => _name = name ?? $"workload-{Interlocked.Increment(ref _counter)}";

    public static WorkloadBuilder Workload(string? name = null) => new(name);

    public WorkloadBuilder InNamespace(string ns)
    {
        _namespace = ns;
        return this;
    }

    public WorkloadBuilder Label(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    public WorkloadBuilder Replicas(int replicas)
    {
        _replicas = replicas;
        return this;
    }

    /// <summary>Replaces the default container with one that requests these amounts, e.g. <c>("cpu", "1"), ("memory", "2Gi")</c>.</summary>
    public WorkloadBuilder Requests(params (string Name, string Amount)[] requests) =>
        Container(new ResourceRequirements(ResourceList.Parse(requests), ResourceList.Empty));

    /// <summary>Adds a container (the first call replaces the default container).</summary>
    public WorkloadBuilder Container(ResourceRequirements resources)
    {
        if (_defaultContainer)
        {
            _defaultContainer = false;
        }
        _containers.Add(ContainerSpec.ForResources($"c{_containers.Count}", resources));
        return this;
    }

    /// <summary>A replica with containers that request nothing (BestEffort).</summary>
    public WorkloadBuilder NoRequests() => Container(ResourceRequirements.None);

    public WorkloadBuilder InitContainer(params (string Name, string Amount)[] requests)
    {
        _initContainers.Add(ContainerSpec.ForResources($"init{_initContainers.Count}", new ResourceRequirements(ResourceList.Parse(requests), ResourceList.Empty)));
        return this;
    }

    public WorkloadBuilder Overhead(params (string Name, string Amount)[] overhead)
    {
        _overhead = ResourceList.Parse(overhead);
        return this;
    }

    public WorkloadBuilder Priority(int priority, PreemptionPolicy policy = PreemptionPolicy.PreemptLowerPriority)
    {
        _priority = priority;
        _preemptionPolicy = policy;
        return this;
    }

    public WorkloadBuilder OnNode(string nodeName)
    {
        _nodeName = nodeName;
        return this;
    }

    public WorkloadBuilder NodeSelector(string key, string value)
    {
        _nodeSelector[key] = value;
        return this;
    }

    public WorkloadBuilder NodeAffinity(Berth.Core.Specs.NodeAffinity affinity)
    {
        _nodeAffinity = affinity;
        return this;
    }

    public WorkloadBuilder PodAffinity(ReplicaAffinity affinity)
    {
        _podAffinity = affinity;
        return this;
    }

    public WorkloadBuilder PodAntiAffinity(ReplicaAffinity affinity)
    {
        _podAntiAffinity = affinity;
        return this;
    }

    public WorkloadBuilder Tolerate(string key, string value, TaintEffect? effect = null, TolerationOperator op = TolerationOperator.Equal)
    {
        _tolerations.Add(new Toleration(key, op, value, effect));
        return this;
    }

    public WorkloadBuilder Spread(TopologySpreadConstraint constraint)
    {
        _spread.Add(constraint);
        return this;
    }

    public WorkloadBuilder UsingReservation(string reservation)
    {
        _reservation = reservation;
        return this;
    }

    public WorkloadSpec Build()
    {
        var containers = _defaultContainer
            ? [ContainerSpec.ForResources("main", new ResourceRequirements(ResourceList.Parse(("cpu", "100m"), ("memory", "500Mi")), ResourceList.Empty))]
            : _containers.ToList();
        return new WorkloadSpec(_name, _namespace, new Dictionary<string, string>(_labels), _replicas, containers, [.. _initContainers], _overhead,
            _priority, _preemptionPolicy, _nodeName, new Dictionary<string, string>(_nodeSelector),
            new Affinity(_nodeAffinity, _podAffinity, _podAntiAffinity), [.. _tolerations], [.. _spread])
        {
            Reservation = _reservation,
        };
    }

    public static implicit operator WorkloadSpec(WorkloadBuilder builder) => builder.Build();

    /// <summary>A selector of exact labels, for affinity terms and spread constraints.</summary>
    public static LabelSelector Selector(params (string Key, string Value)[] labels) =>
        LabelSelector.ForLabels(labels.ToDictionary(l => l.Key, l => l.Value));
}
