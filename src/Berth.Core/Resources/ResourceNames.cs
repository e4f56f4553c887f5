namespace Berth.Core.Resources;

/// <summary>The well-known resource names and how each is counted.</summary>
public static class ResourceNames
{
    /// <summary>CPU, counted in millicores.</summary>
    public const string Cpu = "cpu";

    /// <summary>Memory, counted in bytes.</summary>
    public const string Memory = "memory";

    /// <summary>Local ephemeral storage, counted in bytes.</summary>
    public const string EphemeralStorage = "ephemeral-storage";

    /// <summary>The number of replicas a node can hold.</summary>
    public const string Pods = "pods";

    /// <summary>NVIDIA GPUs, counted in thousandths of a device so that shares below one device can be asked for.</summary>
    public const string NvidiaGpu = "nvidia.com/gpu";

    /// <summary>Prefix of huge-page resources, e.g. <c>hugepages-2Mi</c>, counted in bytes.</summary>
    public const string HugePagesPrefix = "hugepages-";

    /// <summary>
    /// True when amounts of this resource are kept in thousandths (CPU and GPUs), false when in whole units.
    /// Mirrors Kubernetes, which uses <c>MilliValue()</c> for CPU and <c>Value()</c> for everything else;
    /// GPUs are milli here because a replica may ask for a share of one device (<c>500m</c>).
    /// </summary>
    public static bool IsCountedInMilli(string name) =>
        name == Cpu || name.EndsWith("/gpu", StringComparison.Ordinal);

    /// <summary>
    /// The largest amount, in scheduling units, Berth schedules with: 2^53 (8Pi bytes of memory, 9e12 cpu cores).
    /// Scores multiply amounts by 100 and divide through doubles; below this bound neither overflows nor rounds.
    /// </summary>
    public const long MaxSchedulingUnits = 1L << 53;

    /// <summary>True when the amount lies outside what Berth schedules with (see <see cref="MaxSchedulingUnits"/>).</summary>
    public static bool ExceedsSchedulingRange(string name, Quantity quantity) =>
        Math.Abs(quantity.Amount) * (IsCountedInMilli(name) ? 1000m : 1m) > MaxSchedulingUnits;

    /// <summary>
    /// The integer amount Berth schedules with: milli-units or whole units, see <see cref="IsCountedInMilli"/>;
    /// held to ±<see cref="MaxSchedulingUnits"/> (manifests reject larger amounts with a field-path error).
    /// </summary>
    public static long ToSchedulingUnits(string name, Quantity quantity)
    {
        if (ExceedsSchedulingRange(name, quantity))
        {
            return quantity.Amount < 0 ? -MaxSchedulingUnits : MaxSchedulingUnits;
        }
        return IsCountedInMilli(name) ? quantity.MilliValue : quantity.Value;
    }

    /// <summary>True for resources outside cpu, memory, ephemeral-storage and pods (extended, huge pages, GPUs).</summary>
    public static bool IsScalar(string name) =>
        name is not (Cpu or Memory or EphemeralStorage or Pods);

    /// <summary>
    /// Checks a resource name: a standard name, <c>hugepages-SIZE</c>, or <c>domain/name</c> for extended resources.
    /// Returns null when valid, else what is wrong.
    /// </summary>
    public static string? Validate(string name)
    {
        if (name is Cpu or Memory or EphemeralStorage or Pods)
        {
            return null;
        }
        if (name.StartsWith(HugePagesPrefix, StringComparison.Ordinal))
        {
            return Quantity.TryParse(name[HugePagesPrefix.Length..], out _, out _)
                ? null
                : $"'{name}' is not a huge-page size: use hugepages-2Mi or hugepages-1Gi";
        }
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == name.Length - 1 || name.IndexOf('/', slash + 1) >= 0)
        {
            return $"unknown resource '{name}': use cpu, memory, ephemeral-storage, pods, hugepages-<size> or an extended resource named domain/name (e.g. nvidia.com/gpu)";
        }
        return null;
    }
}
