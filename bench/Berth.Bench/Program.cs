using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;

namespace Berth.Bench;

/// <summary>
/// Entry point: <c>throughput --scenario NAME [--nodes N] [--pods M] [--init K] [--parallelism P] [--no-warmup]</c>,
/// <c>memory [--nodes N] [--pods M] [--parallelism P]</c>, <c>micro [BenchmarkDotNet arguments]</c>, <c>list</c>.
/// Human progress goes to stderr; throughput and memory print exactly one JSON line, last, on stdout.
/// </summary>
internal static class Program
{
    private const string Usage =
        """
        usage:
          throughput --scenario NAME [--nodes N] [--pods M] [--init K] [--parallelism P] [--no-warmup]
          memory [--nodes 10000] [--pods 100000] [--parallelism P]
          micro [BenchmarkDotNet arguments, e.g. --filter *]
          list
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
                "micro" => Micro(args[1..]),
                "list" => List(),
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
        int nodes = Int(options, "nodes", 5000);
        int pods = Int(options, "pods", scenario.DefaultPods);
        int init = Int(options, "init", scenario.DefaultInit);
        int parallelism = Int(options, "parallelism", Environment.ProcessorCount);
        if (scenario.ExtendedResourceNodes && pods > nodes)
        {
            throw new ArgumentException($"extendedresource needs --pods <= --nodes (pod i fits only node i); got {pods} pods for {nodes} nodes");
        }
        Console.Error.WriteLine($"machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, "
            + $"server GC {System.Runtime.GCSettings.IsServerGC}; scenario mirrors {scenario.KubernetesWorkload} (CI floor {scenario.KubernetesFloor} pods/s)");
        if (!options.ContainsKey("no-warmup"))
        {
            ThroughputRun.WarmUp(scenario, nodes, init, pods, parallelism);
        }
        var result = ThroughputRun.Run(scenario, nodes, pods, init, parallelism, quiet: false);
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

    private static int Micro(string[] args)
    {
        BenchmarkSwitcher.FromTypes([typeof(SchedulingBenchmarks)]).Run(args);
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
            bool isFlag = key == "no-warmup";
            if (!isFlag && i + 1 >= args.Length)
            {
                throw new ArgumentException($"--{key} needs a value");
            }
            options[key] = isFlag ? "" : args[++i];
        }
        return options;
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
