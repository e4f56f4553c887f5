using Berth.Core.Fleet;
using Berth.Core.Specs;
using Berth.Server.Fleet;

namespace Berth.Server.Tests.Fleet;

/// <summary>A provider that only records what it was asked, and can be told to fail at a node.</summary>
internal sealed class RecordingClusterProvider(string type = FleetProviderTypes.Simulated) : IClusterProvider
{
    private readonly Lock _lock = new();

    public string Type => type;

    /// <summary>Calls in order, e.g. <c>create us-east-1a2b</c>, <c>add us-east-1a2b-1</c>.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Nodes started and not stopped.</summary>
    public HashSet<string> Running { get; } = [];

    /// <summary>AddNodeAsync throws for this node.</summary>
    public string? FailAt { get; set; }

    public Task CreateClusterAsync(FleetCluster cluster, PoolSpec pool, CancellationToken cancellationToken)
    {
        Record($"create {cluster.Name}");
        return Task.CompletedTask;
    }

    public Task AddNodeAsync(FleetCluster cluster, PoolSpec pool, NodeClassSpec nodeClass, string nodeName, CancellationToken cancellationToken)
    {
        if (nodeName == FailAt)
        {
            throw new InvalidOperationException($"no machine for {nodeName}");
        }
        Record($"add {nodeName}");
        lock (_lock)
        {
            Running.Add(nodeName);
        }
        return Task.CompletedTask;
    }

    public Task RemoveNodeAsync(FleetCluster cluster, string nodeName, CancellationToken cancellationToken)
    {
        Record($"remove {nodeName}");
        lock (_lock)
        {
            Running.Remove(nodeName);
        }
        return Task.CompletedTask;
    }

    public Task DeleteClusterAsync(FleetCluster cluster, CancellationToken cancellationToken)
    {
        Record($"delete {cluster.Name}");
        return Task.CompletedTask;
    }

    private void Record(string call)
    {
        lock (_lock)
        {
            Calls.Add(call);
        }
    }
}
