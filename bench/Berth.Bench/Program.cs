using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;

namespace Berth.Bench;

/// <summary>
/// Entry point: <c>throughput --scenario NAME [--nodes N] [--pods M] [--init K] [--parallelism P] [--no-warmup]</c>,
/// <c>memory [--nodes N] [--pods M] [--parallelism P]</c>,
/// <c>control-plane [--nodes N] [--workloads W] [--replicas R] [--runs K] [--apply-each] [--no-warmup]</c>,
/// <c>micro [BenchmarkDotNet arguments]</c>, <c>list</c>.
/// Also <c>scale [--nodes N] [--workloads W] [--replicas R] [--store etcd://… | --etcd] [--direct-nodes] ...</c> (<see cref="ScaleOptions.Usage"/>).
/// Human progress goes to stderr; throughput, memory and control-plane print exactly one JSON line, last, on stdout.
/// </summary>
internal static class Program
{
    private const string Usage =
        """
        usage:
          throughput --scenario NAME [--nodes N] [--pods M] [--init K] [--parallelism P] [--no-warmup]
                     [--percentage-of-nodes-to-score N]   (0 = Kubernetes' adaptive default; 100 = every node, the default)
          memory [--nodes 10000] [--pods 100000] [--parallelism P]
          control-plane [--nodes 100] [--workloads 50] [--replicas 20] [--runs 5] [--apply-each] [--no-warmup]
          micro [BenchmarkDotNet arguments, e.g. --filter *]
          list
          scale [--nodes 5000] [--workloads 1000] [--replicas 100] [--concurrency 8] [--timeout 600]
                [--store etcd://host:port | --etcd [--max-txn-ops N]] [--direct-nodes] [--heartbeat 5] [--spread-every 3] [--zones 3] [--server-log]
          openb --nodes FILE --pods FILE [--profile default] [--seeds 42-51] [--tune 1.3] [--curve FILE]
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        try
        {
            return args[0] switch
            {
                "throughput" => Throughput(args[1..]),
                "memory" => Memory(args[1..]),
                "control-plane" => ControlPlane(args[1..]),
                "micro" => Micro(args[1..]),
                "list" => List(),
                "scale" => Scale(args[1..]),
                "openb" => OpenbCommand.Run(Parse(args[1..])),
                _ => Fail($"unknown mode '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Throughput(string[] args)
    {
        var options = Parse(args);
        string name = options.GetValueOrDefault("scenario") ?? throw new ArgumentException("--scenario is required");
        var scenario = Scenarios.Find(name)
            ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Scenarios.All.Select(s => s.Name))}");
        int nodes = Int(options, "nodes", scenario.DefaultNodes);
        int pods = Int(options, "pods", scenario.DefaultPods);
        int init = Int(options, "init", scenario.DefaultInit);
        int parallelism = Int(options, "parallelism", Environment.ProcessorCount);
        int percentage = PercentageOfNodesToScore(options);
        if (scenario.ExtendedResourceNodes && pods > nodes)
        {
            throw new ArgumentException($"extendedresource needs --pods <= --nodes (pod i fits only node i); got {pods} pods for {nodes} nodes");
        }
        Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, "
            + $"server GC {System.Runtime.GCSettings.IsServerGC}; scenario mirrors {scenario.KubernetesWorkload} (CI floor {scenario.KubernetesFloor} pods/s)");
        if (!options.ContainsKey("no-warmup"))
        {
            ThroughputRun.WarmUp(scenario, nodes, init, pods, parallelism, percentage);
        }
        var result = ThroughputRun.Run(scenario, nodes, pods, init, parallelism, quiet: false, percentage);
        Console.Error.WriteLine($"target {scenario.TargetPodsPerSecond} pods/s: {(result.PodsPerSecond >= scenario.TargetPodsPerSecond ? "met" : "NOT MET")}");
        Console.Out.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static int Memory(string[] args)
    {
        var options = Parse(args);
        var result = MemoryRun.Run(Int(options, "nodes", 10_000), Int(options, "pods", 100_000), Int(options, "parallelism", Environment.ProcessorCount));
        Console.Out.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static int ControlPlane(string[] args)
    {
        var options = Parse(args);
        int nodes = Int(options, "nodes", 100);
        int workloads = Int(options, "workloads", 50);
        int replicas = Int(options, "replicas", 20);
        int runs = Int(options, "runs", 5);
        bool applyEach = options.ContainsKey("apply-each");
        string apply = applyEach ? "one request per workload" : "one request with every document";
        Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, "
            + $"server GC {System.Runtime.GCSettings.IsServerGC}; {nodes} nodes, {workloads} workloads x {replicas} replicas, apply as {apply}");
        if (!options.ContainsKey("no-warmup"))
        {
            // Not reported: the first server in the process pays for JIT compilation of the API, loop and store.
            ControlPlaneRun.RunAsync(nodes, workloads, replicas, applyEach).GetAwaiter().GetResult();
        }
        var results = new List<ControlPlaneResult>();
        for (int run = 0; run < runs; run++)
        {
            var result = ControlPlaneRun.RunAsync(nodes, workloads, replicas, applyEach).GetAwaiter().GetResult();
            Console.Error.WriteLine($"run {run + 1}: {result.Replicas} replicas in {result.Seconds:F3} s = {result.ReplicasPerSecond:F0}/s; "
                + $"apply {result.ApplyMs:F0} ms; {result.StoreTransactions} store transactions ({result.StoreConflicts} conflicts, {result.CommitMs:F2} ms a small commit, {result.StateReadMs:F1} ms a full state read); "
                + $"{result.LoopPasses} loop passes ({result.LoopPassMs:F0} ms); {result.SchedulingCycles} scheduling cycles ({result.SchedulingCycleMs:F0} ms)");
            results.Add(result);
        }
        var rates = results.Select(r => r.ReplicasPerSecond).Order().ToArray();
        var transactions = results.Select(r => r.StoreTransactions).Order().ToArray();
        Console.Out.WriteLine(JsonSerializer.Serialize(new ControlPlaneSummary(
            "control-plane", apply, nodes, workloads * replicas,
            Median(rates), rates[0], rates[^1], Median(transactions), results)));
        return 0;
    }

    private static int Scale(string[] args)
    {
        var options = ScaleOptions.Parse(args);
        Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, "
            + $"server GC {System.Runtime.GCSettings.IsServerGC}; {options.Nodes} {(options.DirectNodes ? "direct" : "hollow")} nodes, "
            + $"{options.Workloads} workloads x {options.Replicas} replicas, {options.Concurrency} applies in flight, "
            + $"store {(options.StartEtcd ? "throwaway etcd" : options.Store ?? "embedded")}");
        var result = ScaleRun.RunAsync(options, measured => Console.Out.WriteLine(JsonSerializer.Serialize(measured))).GetAwaiter().GetResult();
        return result.Complete ? 0 : 1;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static int Micro(string[] args)
    {
        BenchmarkSwitcher.FromTypes([typeof(SchedulingBenchmarks)]).Run(args);
        BenchmarkSwitcher.FromTypes([typeof(ClusterSnapshotCloneBenchmarks)]).Run(args);
        BenchmarkSwitcher.FromTypes([typeof(WhyNotBenchmarks)]).Run(args);
        return 0;
    }

    private static int List()
    {
        foreach (var s in Scenarios.All)
        {
            Console.Out.WriteLine($"{s.Name,-22} init {s.DefaultInit,6}  pods {s.DefaultPods,6}  K8s floor {s.KubernetesFloor,4}  target {s.TargetPodsPerSecond,5}  ({s.KubernetesWorkload})");
        }
        return 0;
    }

    private static Dictionary<string, string?> Parse(string[] args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
            string key = args[i][2..];
            bool isFlag = key is "no-warmup" or "apply-each";
            if (!isFlag && i + 1 >= args.Length)
            {
                throw new ArgumentException($"--{key} needs a value");
            }
            options[key] = isFlag ? "" : args[++i];
        }
        return options;
    }

    /// <summary>--percentage-of-nodes-to-score: 0 (adaptive) to 100, default 100, as the profile field takes it.</summary>
    private static int PercentageOfNodesToScore(Dictionary<string, string?> options)
    {
        if (!options.TryGetValue("percentage-of-nodes-to-score", out var text))
        {
            return 100;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value > 100)
        {
            throw new ArgumentException($"--percentage-of-nodes-to-score must be 0 (Kubernetes' adaptive default) to 100 (every node), got '{text}'");
        }
        return value;
    }

    private static int Int(Dictionary<string, string?> options, string key, int fallback)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < (key == "init" ? 0 : 1))
        {
            throw new ArgumentException($"--{key} must be a {(key == "init" ? "non-negative" : "positive")} integer, got '{text}'");
        }
        return value;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
