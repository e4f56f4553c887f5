using System.Globalization;
using Berth.Core.Resources;

namespace Berth.Agent;

/// <summary>What this machine offers to replicas: cpu, memory and a pod limit, as quantity strings by resource name.</summary>
public static class MachineCapacity
{
    /// <summary>Replicas per node when nothing overrides it: Kubernetes' default kubelet <c>maxPods</c>.</summary>
    public const int DefaultPods = 110;

    /// <summary>Where memory is read from on Linux.</summary>
    public const string MemInfoPath = "/proc/meminfo";

    /// <summary>
    /// Measures the machine: <c>cpu</c> = <see cref="Environment.ProcessorCount"/>, <c>memory</c> = MemTotal of
    /// <c>/proc/meminfo</c> in bytes (left out when it cannot be read, e.g. not on Linux), <c>pods</c> = <see cref="DefaultPods"/>;
    /// then applies <paramref name="overrides"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An override is not a valid quantity; the message names it.</exception>
    public static IReadOnlyDictionary<string, string> Detect(IReadOnlyDictionary<string, string>? overrides = null, string memInfoPath = MemInfoPath)
    {
        var measured = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ResourceNames.Cpu] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            [ResourceNames.Pods] = DefaultPods.ToString(CultureInfo.InvariantCulture),
        };
        if (ReadMemTotal(memInfoPath) is { } bytes)
        {
            measured[ResourceNames.Memory] = bytes.ToString(CultureInfo.InvariantCulture);
        }
        return Apply(measured, overrides ?? new Dictionary<string, string>());
    }

    /// <summary>Reads MemTotal from a meminfo file, in bytes; null when the file or the line is missing or malformed.</summary>
    public static long? ReadMemTotal(string memInfoPath = MemInfoPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(memInfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var line in lines)
        {
            // "MemTotal:       16318480 kB": the kernel's kB are KiB.
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return parts.Length >= 2 && parts[1] == "kB" ? amount * 1024 : amount;
            }
        }
        return null;
    }

    /// <summary>Returns <paramref name="measured"/> with every entry of <paramref name="overrides"/> replacing or adding its resource.</summary>
    /// <exception cref="ArgumentException">An override is not a valid quantity; the message names it.</exception>
    public static IReadOnlyDictionary<string, string> Apply(IReadOnlyDictionary<string, string> measured, IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(overrides);
        var result = new Dictionary<string, string>(measured, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            if (!Quantity.TryParse(value, out _, out var error))
            {
                throw new ArgumentException(AgentMessages.InvalidCapacity(name, value, error));
            }
            result[name] = value;
        }
        return result;
    }
}
