using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Scheduling.Tests.Fixtures;

/// <summary>Builds test nodes: 4 cpu, 32Gi, 110 pods, hostname label, ready, no taints, unless told otherwise.</summary>
public sealed class NodeBuilder
{
    private static int _counter;
    private string _name;
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly List<Taint> _taints = [];
    private readonly Dictionary<string, Quantity> _allocatable = new(StringComparer.Ordinal)
    {
        ["cpu"] = Quantity.Parse("4"),
        ["memory"] = Quantity.Parse("32Gi"),
        ["pods"] = Quantity.Parse("110"),
    };
    private bool _unschedulable;
    private bool _ready = true;

    public NodeBuilder(string? name = null)
    {
        _name = name ?? $"node-{Interlocked.Increment(ref _counter)}";
        _labels[Berth.Core.Labels.WellKnownLabels.Hostname] = _name;
    }

    public static NodeBuilder Node(string? name = null) => new(name);

    public NodeBuilder Named(string name)
    {
        _name = name;
        _labels[Berth.Core.Labels.WellKnownLabels.Hostname] = name;
        return this;
    }

    public NodeBuilder Label(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    public NodeBuilder WithoutLabel(string key)
    {
        _labels.Remove(key);
        return this;
    }

    public NodeBuilder Taint(string key, string value, TaintEffect effect = TaintEffect.NoSchedule)
    {
        _taints.Add(new Taint(key, value, effect));
        return this;
    }

    /// <summary>Sets an allocatable amount in Kubernetes notation, e.g. <c>("cpu", "2")</c>.</summary>
    public NodeBuilder Allocatable(string resource, string amount)
    {
        _allocatable[resource] = Quantity.Parse(amount);
        return this;
    }

    public NodeBuilder WithoutAllocatable(string resource)
    {
        _allocatable.Remove(resource);
        return this;
    }

    public NodeBuilder Cordoned()
    {
        _unschedulable = true;
        return this;
    }

    public NodeBuilder NotReady()
    {
        _ready = false;
        return this;
    }

    public NodeSpec Build() =>
        new(_name, new Dictionary<string, string>(_labels), [.. _taints], ResourceList.From(_allocatable), _unschedulable, _ready);

    public static implicit operator NodeSpec(NodeBuilder builder) => builder.Build();
}
