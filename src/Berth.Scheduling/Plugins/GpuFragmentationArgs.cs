using Berth.Scheduling.Profiles;

namespace Berth.Scheduling.Plugins;

/// <summary>Arguments of <see cref="GpuFragmentation"/>.</summary>
/// <param name="PlaceReplicasWithoutGpus">
/// When true the plugin also decides where replicas asking for no GPU go (the setting of the paper's experiments, for
/// clusters where every node has GPUs): the CPU and memory they take from a node count by the GPUs that leaves unfed.
/// When false (the default) it scores only GPU replicas, so the others are placed exactly as Kubernetes places them.
/// </param>
public sealed record GpuFragmentationArgs(bool PlaceReplicasWithoutGpus = false) : PluginArgs
{
    /// <summary>GPU replicas only.</summary>
    public static readonly GpuFragmentationArgs Default = new();
}
