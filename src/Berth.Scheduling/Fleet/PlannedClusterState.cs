using Berth.Core.Specs;

namespace Berth.Scheduling.Fleet;

/// <summary>A cluster as the planner fills it: its size and use so far, and the replicas of the planned workload put on it.</summary>
internal sealed class PlannedClusterState(string? name, NodeClassSpec nodeClass, int nodes, double usedCores, double usedMemoryGi, bool hostsDependency)
{
    public string? Name { get; } = name;

    public NodeClassSpec NodeClass { get; } = nodeClass;

    public int NodesBefore { get; } = nodes;

    public int Nodes { get; set; } = nodes;

    public double UsedCores { get; set; } = usedCores;

    public double UsedMemoryGi { get; set; } = usedMemoryGi;

    public bool HostsDependency { get; } = hostsDependency;

    public int Added { get; set; }

    public bool IsNew => Name is null;

    public double Utilization
    {
        get
        {
            double cores = Nodes * (double)NodeClass.Resources.Cores;
            double memory = Nodes * (double)NodeClass.Resources.MemoryGi;
            return cores <= 0 || memory <= 0 ? 1 : Math.Max(UsedCores / cores, UsedMemoryGi / memory);
        }
    }

    public PlannedClusterState Copy() => new(Name, NodeClass, NodesBefore, UsedCores, UsedMemoryGi, HostsDependency)
    {
        Nodes = Nodes,
        Added = Added,
    };
}
