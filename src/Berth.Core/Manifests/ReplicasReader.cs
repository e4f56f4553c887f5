using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a workload's <c>replicas</c>: a count, or for fleet workloads a range <c>{min: 3, max: 10}</c>.</summary>
public static class ReplicasReader
{
    /// <summary>A replica count: an integer, zero or more.</summary>
    public static int ReadCount(ManifestNode node)
    {
        var replicas = node.AsInt();
        if (replicas < 0)
        {
            node.Fail($"{replicas} is negative; replicas must be zero or more");
        }
        return replicas;
    }

    /// <summary>
    /// A count or a range. A range's workload starts with its minimum, so the count returned is then <c>min</c>.
    /// </summary>
    public static (int Replicas, ReplicaRange? Range) ReadCountOrRange(ManifestNode node)
    {
        if (!node.IsMapping)
        {
            return (ReadCount(node), null);
        }
        node.ExpectFields("min", "max");
        var minNode = node.RequiredField("min");
        var maxNode = node.RequiredField("max");
        int min = ReadCount(minNode);
        int max = ReadCount(maxNode);
        if (max < min)
        {
            maxNode.Fail($"{max} is less than min {min}; give 0 <= min <= max");
        }
        return (min, new ReplicaRange(min, max));
    }
}
