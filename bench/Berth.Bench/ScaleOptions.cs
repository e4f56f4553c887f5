using System.Globalization;

namespace Berth.Bench;

/// <summary>The options of <c>scale</c>; <see cref="Parse"/> reads them from the command line.</summary>
internal sealed record ScaleOptions
{
    /// <summary>The options' usage lines, for the bench's usage text.</summary>
    public const string Usage =
        "scale [--nodes 5000] [--workloads 1000] [--replicas 100] [--concurrency 8] [--timeout 600] [--store etcd://host:port | --etcd [--max-txn-ops N]] [--direct-nodes] [--heartbeat 5] [--spread-every 3] [--zones 3] [--warmup 20] [--server-log] [--allocations]";

    /// <summary>Simulated nodes.</summary>
    public int Nodes { get; init; } = 5000;

    /// <summary>Workloads applied, one request each.</summary>
    public int Workloads { get; init; } = 1000;

    /// <summary>Replicas per workload.</summary>
    public int Replicas { get; init; } = 100;

    /// <summary>Apply requests in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>How long registration may take, and then how long placement may take from the first apply.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary><c>--store etcd://…</c>: a running etcd; null uses the embedded store (or the throwaway etcd of <see cref="StartEtcd"/>).</summary>
    public string? Store { get; init; }

    /// <summary><c>--etcd</c>: start a throwaway etcd for the run.</summary>
    public bool StartEtcd { get; init; }

    /// <summary><c>--max-txn-ops</c> for the throwaway etcd; 0 (not given): <see cref="NeededTxnOps"/>.</summary>
    public int EtcdMaxTxnOps { get; init; }

    /// <summary>
    /// The <c>--max-txn-ops</c> the throwaway etcd gets when none is given: at least 1024, and 4 per replica of a
    /// workload plus a margin. The placer commits a workload's whole plan in one transaction with about four compares
    /// (workload, node, allocation guard, own key, event key) or writes (assignment, event, guard) per replica, so
    /// etcd's default of 128 refuses any workload of more than about 30 replicas.
    /// </summary>
    public int NeededTxnOps => Math.Max(1024, 4 * Replicas + 64);

    /// <summary>The <c>--max-txn-ops</c> the throwaway etcd runs with.</summary>
    public int EffectiveTxnOps => EtcdMaxTxnOps > 0 ? EtcdMaxTxnOps : NeededTxnOps;

    /// <summary><c>--direct-nodes</c>: register the nodes through the server's NodeManager instead of hollow gRPC nodes.</summary>
    public bool DirectNodes { get; init; }

    /// <summary>The hollow nodes' heartbeat interval.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every this many workloads (the first, then every n-th) carries a zone spread preference; 0: none.</summary>
    public int SpreadEvery { get; init; } = 3;

    /// <summary>Zones the nodes are spread over, round-robin.</summary>
    public int Zones { get; init; } = 3;

    /// <summary>
    /// <c>--warmup W</c>: workloads of the same shape placed (and left placed) before the clock starts, so the measured
    /// run sees a server whose code is compiled and tiered up, as a long-running one is; 0: none.
    /// </summary>
    public int Warmup { get; init; } = 20;

    /// <summary><c>--server-log</c>: the server's warnings and errors go to stderr (otherwise its logging is off, as in control-plane).</summary>
    public bool ServerLog { get; init; }

    /// <summary><c>--allocations</c>: sample allocations by type during the measured window and print the top ones on stderr.</summary>
    public bool Allocations { get; init; }

    /// <summary>Reads <c>scale</c>'s arguments.</summary>
    /// <exception cref="ArgumentException">An argument is unknown or its value out of range; the message names it.</exception>
    public static ScaleOptions Parse(string[] args)
    {
        var options = new ScaleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--nodes" => options with { Nodes = Positive(name, Value()) },
                "--workloads" => options with { Workloads = Positive(name, Value()) },
                "--replicas" => options with { Replicas = Positive(name, Value()) },
                "--concurrency" => options with { Concurrency = Positive(name, Value()) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--store" => options with { Store = Value() },
                "--etcd" => options with { StartEtcd = true },
                "--max-txn-ops" => options with { EtcdMaxTxnOps = Positive(name, Value()) },
                "--direct-nodes" => options with { DirectNodes = true },
                "--heartbeat" => options with { Heartbeat = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--spread-every" => options with { SpreadEvery = NonNegative(name, Value()) },
                "--zones" => options with { Zones = Positive(name, Value()) },
                "--warmup" => options with { Warmup = NonNegative(name, Value()) },
                "--server-log" => options with { ServerLog = true },
                "--allocations" => options with { Allocations = true },
                _ => throw new ArgumentException($"unknown scale option '{name}'"),
            };
        }
        if (options.StartEtcd && options.Store is not null)
        {
            throw new ArgumentException("--etcd starts its own etcd; drop it, or drop --store, not both");
        }
        if (options.EtcdMaxTxnOps > 0 && !options.StartEtcd)
        {
            throw new ArgumentException("--max-txn-ops configures the etcd that --etcd starts; a running etcd keeps its own setting");
        }
        if (options.Zones > 26)
        {
            throw new ArgumentException($"--zones must be 1 to 26, got {options.Zones}");
        }
        return options;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive integer, got '{text}'");

    private static int NonNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"{name} must be a non-negative integer, got '{text}'");
}
