using System.Globalization;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;

namespace Berth.Bench;

/// <summary>
/// The Alibaba GPU cluster trace (cluster-trace-gpu-v2023, "openb"): nodes (<c>sn,cpu_milli,memory_mib,gpu,model</c>)
/// and pods (<c>name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,...]</c>), read by column name.
/// </summary>
internal static class OpenbTrace
{
    /// <summary>One pod of a pod list.</summary>
    /// <param name="GpuMilli">Thousandths of a GPU: <c>gpu_milli</c> for one GPU (a share), 1000 × <c>num_gpu</c> above one.</param>
    /// <param name="Models">The GPU models it may run on (<c>gpu_spec</c>, <c>|</c>-separated); empty for any.</param>
    public sealed record Pod(string Name, long CpuMilli, long MemoryMib, long GpuMilli, IReadOnlyList<string> Models);

    /// <summary>Reads a node list: cpu, memory, <c>nvidia.com/gpu</c> devices and the <c>gpu.model</c> label.</summary>
    public static List<NodeSpec> ReadNodes(string path)
    {
        var nodes = new List<NodeSpec>();
        foreach (var row in Rows(path, ["sn", "cpu_milli", "memory_mib", "gpu", "model"]))
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [WellKnownLabels.Hostname] = row["sn"] };
            if (row["model"].Length > 0)
            {
                labels[WellKnownLabels.GpuModel] = row["model"];
            }
            var allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
            {
                [ResourceNames.Cpu] = Quantity.Parse(row["cpu_milli"] + "m"),
                [ResourceNames.Memory] = Quantity.Parse(row["memory_mib"] + "Mi"),
                // The trace has no pod limit; Kubernetes' 110 would bind before CPU on the largest nodes.
                [ResourceNames.Pods] = Quantity.Parse("10000"),
            };
            if (Long(row, "gpu") > 0)
            {
                allocatable[ResourceNames.NvidiaGpu] = Quantity.Parse(row["gpu"]);
            }
            nodes.Add(new NodeSpec(row["sn"], labels, [], ResourceList.From(allocatable)));
        }
        return nodes;
    }

    /// <summary>Reads a pod list.</summary>
    public static List<Pod> ReadPods(string path)
    {
        var pods = new List<Pod>();
        foreach (var row in Rows(path, ["name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"]))
        {
            long count = Long(row, "num_gpu"), milli = Long(row, "gpu_milli");
            long gpu = count <= 0 ? 0 : count == 1 ? Math.Clamp(milli, 1, 1000) : count * 1000;
            string spec = row.GetValueOrDefault("gpu_spec") ?? "";
            var models = spec.Length == 0 || spec == "nan" ? [] : spec.Split('|', StringSplitOptions.RemoveEmptyEntries);
            pods.Add(new Pod(row["name"], Long(row, "cpu_milli"), Long(row, "memory_mib"), gpu, models));
        }
        return pods;
    }

    /// <summary>
    /// A pod as a one-replica workload; a model list becomes required node affinity on <c>gpu.model</c>. It never preempts:
    /// the protocol places pods one by one with no departures.
    /// </summary>
    public static WorkloadSpec Workload(Pod pod, string name)
    {
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            [ResourceNames.Cpu] = Quantity.Parse(pod.CpuMilli.ToString(CultureInfo.InvariantCulture) + "m"),
            [ResourceNames.Memory] = Quantity.Parse(pod.MemoryMib.ToString(CultureInfo.InvariantCulture) + "Mi"),
        };
        if (pod.GpuMilli > 0)
        {
            requests[ResourceNames.NvidiaGpu] = pod.GpuMilli < 1000
                ? Quantity.Parse(pod.GpuMilli.ToString(CultureInfo.InvariantCulture) + "m")
                : Quantity.Parse((pod.GpuMilli / 1000).ToString(CultureInfo.InvariantCulture));
        }
        var container = ContainerSpec.ForResources("main", new ResourceRequirements(ResourceList.From(requests), ResourceList.Empty));
        var nodeAffinity = pod.Models.Count == 0 ? NodeAffinity.None : new NodeAffinity(
            new NodeSelector([new NodeSelectorTerm([new LabelRequirement(WellKnownLabels.GpuModel, SelectorOperator.In, pod.Models)], [])]), []);
        return new WorkloadSpec(name, WorkloadSpec.DefaultNamespace, new Dictionary<string, string>(), 1, [container], [], ResourceList.Empty,
            0, PreemptionPolicy.Never, null, new Dictionary<string, string>(),
            new Affinity(nodeAffinity, Berth.Core.Specs.ReplicaAffinity.None, Berth.Core.Specs.ReplicaAffinity.None), [], []);
    }

    private static long Long(Dictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var text) && text.Length > 0 ? long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : 0;

    private static IEnumerable<Dictionary<string, string>> Rows(string path, string[] required)
    {
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new ArgumentException($"{path}: empty file; expected a CSV header")).Split(',');
        foreach (var column in required)
        {
            if (!header.Contains(column))
            {
                throw new ArgumentException($"{path}: no column '{column}'; the header is '{string.Join(",", header)}'");
            }
        }
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }
            var cells = line.Split(',');
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                row[header[i]] = i < cells.Length ? cells[i].Trim() : "";
            }
            yield return row;
        }
    }
}
