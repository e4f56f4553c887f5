using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Framework;

/// <summary>
/// A PreFilter that can name, for this cycle, the only nodes worth filtering (Kubernetes' PreFilterResult.NodeNames,
/// e.g. node affinity on <c>metadata.name</c>). Other nodes are refused by this plugin before any filter runs.
/// </summary>
public interface IPreFilterNodeSet : IPreFilterPlugin
{
    /// <summary>After a successful PreFilter: the nodes to filter, or null for all; <paramref name="reasonCode"/> is the refusal for the rest.</summary>
    NodeBitset? NodesToFilter(out int reasonCode);
}
