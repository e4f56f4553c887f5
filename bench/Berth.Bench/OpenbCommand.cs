using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Scheduling.Profiles;

namespace Berth.Bench;

/// <summary>
/// <c>openb --nodes FILE --pods FILE [--profile NAME] [--seeds 42-51] [--tune 1.3] [--curve FILE]</c>: the GPU allocation
/// ratio at 90/100/110/130% arrived load, mean over seeds; progress on stderr, one JSON line last on stdout.
/// </summary>
internal static class OpenbCommand
{
    public const string Usage =
        "openb --nodes FILE --pods FILE [--profile default] [--seeds 42-51] [--tune 1.3] [--curve FILE]   (GPU allocation ratio, ATC'23 protocol)";

    public static int Run(Dictionary<string, string?> options)
    {
        string nodesPath = options.GetValueOrDefault("nodes") ?? throw new ArgumentException("--nodes FILE is required (e.g. openb_node_list_gpu_node.csv)");
        string podsPath = options.GetValueOrDefault("pods") ?? throw new ArgumentException("--pods FILE is required (e.g. openb_pod_list_default.csv)");
        string profileName = options.GetValueOrDefault("profile") ?? "default";
        var profile = BuiltInProfiles.Find(profileName)
            ?? throw new ArgumentException($"--profile '{profileName}' is not a built-in profile; use one of {string.Join(", ", BuiltInProfiles.Names)}");
        var seeds = Seeds(options.GetValueOrDefault("seeds") ?? "42-51");
        string tuneText = options.GetValueOrDefault("tune") ?? "1.3";
        if (!double.TryParse(tuneText, NumberStyles.Float, CultureInfo.InvariantCulture, out double tune) || tune < 0.1 || tune > 10)
        {
            throw new ArgumentException($"--tune must be a number from 0.1 to 10 (the arrived load to reach, as a multiple of GPU capacity), got '{tuneText}'");
        }
        foreach (var path in new[] { nodesPath, podsPath })
        {
            if (!File.Exists(path))
            {
                throw new ArgumentException($"file '{path}' does not exist");
            }
        }
        var nodes = OpenbTrace.ReadNodes(nodesPath);
        var pods = OpenbTrace.ReadPods(podsPath);
        long capacity = OpenbRun.CapacityMilli(nodes);
        Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; {nodes.Count} nodes ({capacity / 1000} GPUs), "
            + $"{pods.Count} pods, profile {profile.Name}, seeds {string.Join(",", seeds)}, tune {tune.ToString(CultureInfo.InvariantCulture)}");

        var watch = Stopwatch.StartNew();
        var results = new OpenbRun.SeedResult[seeds.Length];
        Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = OpenbRun.Run(nodes, pods, profile, seeds[i], tune));
        double wall = watch.Elapsed.TotalSeconds;
        foreach (var r in results)
        {
            Console.Error.WriteLine($"seed {r.Seed}: {r.Placed}/{r.Pods} pods placed in {r.Seconds:F2} s; allocation at arrived "
                + string.Join(", ", OpenbRun.Checkpoints.Where(c => c < r.AllocationByArrived.Length).Select(c => $"{c}%: {r.AllocationByArrived[c]:F2}%"))
                + $"; shares packed offline would allow {r.SharePackingCeilingPct:F2}% at 100%");
        }

        int points = results.Min(r => r.AllocationByArrived.Length);
        var mean = new double[points];
        for (int k = 0; k < points; k++)
        {
            mean[k] = Math.Round(results.Average(r => r.AllocationByArrived[k]), 2);
        }
        if (options.GetValueOrDefault("curve") is { } curvePath)
        {
            var csv = new StringBuilder("arrived_pct,allocation_pct\n");
            for (int k = 0; k < points; k++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{k},{mean[k]:F2}\n");
            }
            File.WriteAllText(curvePath, csv.ToString());
        }
        var at = OpenbRun.Checkpoints.Where(c => c < points).ToDictionary(c => c.ToString(CultureInfo.InvariantCulture), c => mean[c]);
        var summary = new
        {
            benchmark = "openb",
            nodes = Path.GetFileName(nodesPath),
            pods = Path.GetFileName(podsPath),
            profile = profile.Name,
            seeds,
            tune,
            gpus = capacity / 1000,
            allocationPctAtArrivedPct = at,
            sharePackingCeilingPctAt100 = Math.Round(results.Average(r => r.SharePackingCeilingPct), 2),
            minAllocationPctAt100 = points > 100 ? results.Min(r => r.AllocationByArrived[100]) : double.NaN,
            maxAllocationPctAt100 = points > 100 ? results.Max(r => r.AllocationByArrived[100]) : double.NaN,
            secondsPerRun = Math.Round(results.Average(r => r.Seconds), 3),
            maxSecondsPerRun = Math.Round(results.Max(r => r.Seconds), 3),
            wallSeconds = Math.Round(wall, 3),
            // Processor time (reading the trace, JIT and every seed's run) divided by the seeds: unlike the elapsed
            // times it does not grow when other work shares the machine.
            cpuSecondsPerRun = Math.Round(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds / seeds.Length, 3),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(summary));
        return 0;
    }

    /// <summary><c>42-51</c>, <c>42,43</c> or <c>42</c>.</summary>
    private static int[] Seeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is 1 or 2 && int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                && int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last) && last >= first && last - first < 10_000)
            {
                seeds.AddRange(Enumerable.Range(first, last - first + 1));
                continue;
            }
            throw new ArgumentException($"--seeds takes a range or a list of non-negative integers (42-51, or 42,43), got '{text}'");
        }
        return seeds.Count > 0 ? [.. seeds] : throw new ArgumentException("--seeds names no seed; e.g. --seeds 42-51");
    }
}
