using System.Globalization;

namespace Berth.Server.Agents;

/// <summary>
/// The environment that confines a replica's processes to the GPU devices the scheduler gave it: CUDA and the NVIDIA
/// container runtime both read a comma-separated list of device indexes.
/// </summary>
public static class GpuVisibleDevices
{
    /// <summary>Read by the CUDA runtime.</summary>
    public const string Cuda = "CUDA_VISIBLE_DEVICES";

    /// <summary>Read by the NVIDIA container runtime.</summary>
    public const string Nvidia = "NVIDIA_VISIBLE_DEVICES";

    /// <summary>
    /// Sets both variables to the devices (e.g. <c>0,3</c>), replacing any value the workload gave: the devices are the
    /// scheduler's decision, and another value would let the replica use devices others hold. Nothing changes without devices.
    /// </summary>
    public static void Apply(IDictionary<string, string> env, IReadOnlyList<int> devices)
    {
        if (devices.Count == 0)
        {
            return;
        }
        string list = string.Join(",", devices.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        env[Cuda] = list;
        env[Nvidia] = list;
    }
}
