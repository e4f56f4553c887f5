using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Berth.Agent;
using Berth.Agent.Simulation;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Bench;

/// <summary>
/// <c>scale</c>: N simulated nodes, W workloads of R replicas applied through <c>POST /v1/apply</c> (a few requests in
/// flight), timed from the first apply until every replica's assignment is persisted in the store. An in-process server
/// (REST and gRPC on free loopback ports) over the embedded store in a fresh temporary data directory, a running etcd
/// (<c>--store</c>) or a throwaway etcd (<c>--etcd</c>). The nodes are hollow nodes (<see cref="HollowNodes"/>, as
/// <c>berth agent --simulate</c>) speaking the agent protocol to that server, or with <c>--direct-nodes</c> node records
/// registered through the server's NodeManager (no heartbeats, no streams, no Running reports).
/// </summary>
/// <remarks>
/// Completion is seen through one watch of <c>/assignments/</c> from the revision before the first apply: the run counts
/// distinct assignment keys put, so nothing re-reads the assignments while the server works.
/// </remarks>
internal static class ScaleRun
{
    private const string WarmupPrefix = "warmup-";
    private const string MeasuredPrefix = "load-";

    private const string NodeCapacityCpu = "8";
    private const string NodeCapacityMemory = "32Gi";
    private const string NodeCapacityPods = "110";
    private static readonly string Committed = $"{BerthMetrics.StoreTransactionsTotal}{{result=\"{BerthMetrics.CommittedResult}\"}}";
    private static readonly string Conflicts = $"{BerthMetrics.StoreTransactionsTotal}{{result=\"{BerthMetrics.ConflictResult}\"}}";
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MetricsWait = TimeSpan.FromSeconds(30);

    /// <summary>Runs once and returns what it measured (on timeout, what was placed by then).</summary>
    /// <param name="options">What to run.</param>
    /// <param name="report">Gets the result as soon as it is measured, before the server and the nodes are stopped.</param>
    public static async Task<ScaleResult> RunAsync(ScaleOptions options, Action<ScaleResult> report)
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-bench-scale-" + Guid.NewGuid().ToString("N"));
        ThrowawayEtcd? etcd = null;
        try
        {
            string? store = options.Store;
            if (options.StartEtcd)
            {
                etcd = await ThrowawayEtcd.StartAsync(options.EffectiveTxnOps);
                store = etcd.StoreAddress;
                Progress($"etcd: {etcd.Version} on {store}, --max-txn-ops {options.EffectiveTxnOps}");
            }
            var serverOptions = new ServerOptions
            {
                Listen = "127.0.0.1:0",
                GrpcListen = "127.0.0.1:0",
                DataDirectory = data,
                Store = store,
                // Direct nodes never heartbeat; hollow nodes do, but a server busy placing may answer late, and a node
                // turning NotReady mid-run would measure liveness, not placement. Liveness at scale is measured apart.
                Nodes = options.DirectNodes
                    ? new NodeManagerOptions { HeartbeatGrace = TimeSpan.FromHours(1), LostGrace = TimeSpan.FromHours(1) }
                    : new NodeManagerOptions { HeartbeatGrace = TimeSpan.FromSeconds(60), LostGrace = TimeSpan.FromSeconds(60) },
            };
            var serverStart = Stopwatch.StartNew();
            await using var host = await ServerHost.StartAsync(serverOptions, logging =>
            {
                logging.ClearProviders();
                if (options.ServerLog)
                {
                    // stderr only: stdout carries the one JSON line.
                    logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
                }
            });
            using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
            using var stop = new CancellationTokenSource();
            HollowNodes? hollow = null;
            Task hollowRun = Task.CompletedTask;
            try
            {
                if ((await host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.WorkloadsPrefix), limit: 1)).Count > 0)
                {
                    // Workloads already there would be answered "unchanged" and never placed again: the run would only time out.
                    throw new ArgumentException($"--store {options.Store} already holds workloads; point the run at an empty etcd (or use --etcd)");
                }
                if (options.DirectNodes)
                {
                    await RegisterDirectAsync(host.Nodes, options);
                }
                else
                {
                    hollow = new HollowNodes(HollowOptions(host.Address, options.Heartbeat), options.Nodes, options.Zones);
                    hollowRun = Task.Run(() => hollow.RunAsync(stop.Token));
                }
                await WaitReadyAsync(host.Store, options.Nodes, options.Timeout, serverStart, hollow);
                double nodesReadySeconds = serverStart.Elapsed.TotalSeconds;
                Progress($"{options.Nodes} nodes Ready after {nodesReadySeconds:F1} s ({(options.DirectNodes ? "direct" : "hollow")})");
                if (options.Warmup > 0)
                {
                    await WarmUpAsync(host, http, options);
                }
                return await MeasureAsync(host, http, options, etcd, hollow, nodesReadySeconds, report);
            }
            finally
            {
                await stop.CancelAsync();
                await hollowRun;
                hollow?.Dispose();
            }
        }
        finally
        {
            if (etcd is not null)
            {
                await etcd.DisposeAsync();
            }
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    // Places --warmup workloads of the measured shape (they stay placed: a small share of the room) so that the clock
    // starts on compiled, tiered-up code, as a long-running server's is.
    private static async Task WarmUpAsync(ServerHost host, HttpClient http, ScaleOptions options)
    {
        var clock = Stopwatch.StartNew();
        long fromRevision = (await host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), limit: 1)).Revision;
        var counter = new PlacementCounter(options.Warmup * options.Replicas, WarmupPrefix);
        using var stop = new CancellationTokenSource(options.Timeout);
        var watch = Task.Run(() => counter.WatchAsync(host.Store, fromRevision + 1, clock, stop.Token));
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Warmup), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (w, ct) => await ApplyAsync(http, Manifest($"{WarmupPrefix}{w:D5}", options.Replicas, options.SpreadEvery > 0 && w % options.SpreadEvery == 0), ct));
        await Task.WhenAny(counter.Done, watch);
        await stop.CancelAsync();
        Progress($"warm-up: {counter.Placed} replicas of {options.Warmup} workloads placed in {clock.Elapsed.TotalSeconds:F1} s (not measured)");
    }

    private static async Task<ScaleResult> MeasureAsync(
        ServerHost host, HttpClient http, ScaleOptions options, ThrowawayEtcd? etcd, HollowNodes? hollow, double nodesReadySeconds, Action<ScaleResult> report)
    {
        int total = options.Workloads * options.Replicas;
        var documents = Enumerable.Range(0, options.Workloads)
            .Select(w => Manifest($"{MeasuredPrefix}{w:D5}", options.Replicas, options.SpreadEvery > 0 && w % options.SpreadEvery == 0))
            .ToArray();
        // The revision before the first apply: the watch replays from just after it, so no placement can be missed.
        long startRevision = (await host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), limit: 1)).Revision;
        var before = await MetricsScrape.BerthSamplesAsync(http);
        long heartbeatsBefore = hollow?.HeartbeatsSent ?? 0;
        long reportsBefore = hollow?.ReportsSent ?? 0;
        var etcdCpuBefore = etcd?.CpuTime() ?? TimeSpan.Zero;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        using var sampler = options.Allocations ? new AllocationSampler() : null;

        using var watchStop = new CancellationTokenSource();
        var counter = new PlacementCounter(total, MeasuredPrefix);
        var clock = Stopwatch.StartNew();
        var watch = Task.Run(() => counter.WatchAsync(host.Store, startRevision + 1, clock, watchStop.Token));

        double applySeconds = -1;
        var apply = Task.Run(async () =>
        {
            await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                async (document, ct) => await ApplyAsync(http, document, ct));
            applySeconds = clock.Elapsed.TotalSeconds;
            Progress($"applied {options.Workloads} workloads in {applySeconds:F1} s");
        });

        // The clock, the timeout and the report run on a dedicated thread with blocking waits: a server that starves the
        // thread pool (thousands of queued items with hollow nodes) must not also stall the measurement or its report.
        var result = await Task.Factory.StartNew(() =>
        {
            double peakManaged = 0;
            var nextProgress = ProgressEvery;
            bool applyFailureShown = false;
            while (!counter.Done.Wait(250) && clock.Elapsed < options.Timeout)
            {
                if (watch.IsFaulted)
                {
                    watch.GetAwaiter().GetResult();
                }
                if (apply.IsFaulted && !applyFailureShown)
                {
                    // Keep measuring what the applied workloads get; the run cannot complete and says so at the timeout.
                    applyFailureShown = true;
                    Progress($"an apply failed: {apply.Exception!.GetBaseException().Message}");
                }
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: false));
                if (clock.Elapsed >= nextProgress)
                {
                    nextProgress += ProgressEvery;
                    int placedNow = counter.Placed;
                    Progress($"{clock.Elapsed.TotalSeconds,6:F0} s: {placedNow}/{total} placed ({placedNow / clock.Elapsed.TotalSeconds:F0}/s)"
                        + (hollow is null ? "" : $", {hollow.HeartbeatsSent - heartbeatsBefore} heartbeats, {hollow.ReportsSent - reportsBefore} Running reports")
                        + $"; thread pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued");
                }
            }
            bool complete = counter.Done.IsCompleted;
            double seconds = complete ? counter.LastSeconds : clock.Elapsed.TotalSeconds;
            int placed = counter.Placed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var etcdCpu = (etcd?.CpuTime() ?? TimeSpan.Zero) - etcdCpuBefore;
            long heartbeats = (hollow?.HeartbeatsSent ?? 0) - heartbeatsBefore;
            long reports = (hollow?.ReportsSent ?? 0) - reportsBefore;
            peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: false));
            watchStop.Cancel();
            if (!complete)
            {
                Progress($"TIMEOUT after {options.Timeout.TotalSeconds:F0} s: {placed}/{total} placed, {placed / seconds:F0}/s so far");
            }
            if (!apply.IsCompleted)
            {
                Progress("the apply requests had not all been answered yet");
            }
            var scrape = MetricsScrape.BerthSamplesAsync(http);
            var after = scrape.Wait(MetricsWait) ? scrape.Result : null;
            if (after is null)
            {
                Progress($"/metrics did not answer within {MetricsWait.TotalSeconds:F0} s: storeTxns and storeConflicts are -1");
            }
            double Delta(string series) => after is null ? -1 : after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
            var measured = new ScaleResult(
                "scale",
                host.Options.UsesEtcd ? "etcd" : "embedded",
                options.DirectNodes ? "direct" : "hollow",
                options.Nodes, options.Workloads, options.Replicas, placed, complete,
                Math.Round(seconds, 3),
                Math.Round(placed / seconds, 1),
                Math.Round(applySeconds, 3),
                Math.Round(counter.FirstSeconds, 3),
                Math.Round(nodesReadySeconds, 1),
                Delta(Committed),
                Delta(Conflicts),
                heartbeats,
                reports,
                Math.Round(cpu.TotalSeconds, 1),
                Math.Round(peakManaged / (1024 * 1024), 1),
                Math.Round(etcdCpu.TotalSeconds, 1),
                etcd?.Version ?? "",
                etcd is null ? 0 : options.EffectiveTxnOps,
                Math.Round((GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / (1024.0 * 1024), 1));
            if (sampler is not null)
            {
                foreach (var (type, bytes) in sampler.Top(40))
                {
                    Progress($"allocated {bytes / (1024.0 * 1024),9:F1} MiB (sampled) {type}");
                }
            }
            // Reported before the teardown, which a starved server may make slow.
            report(measured);
            return measured;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await IgnoreCancellationAsync(watch);
        if (apply.IsFaulted)
        {
            // Shown already; observed here so it is not rethrown as unobserved.
            _ = apply.Exception;
        }
        return result;
    }

    private static AgentOptions HollowOptions(Uri server, TimeSpan heartbeat) => new()
    {
        Server = server,
        NodeName = "sim",
        CapacityOverride = new Dictionary<string, string>
        {
            [ResourceNames.Cpu] = NodeCapacityCpu,
            [ResourceNames.Memory] = NodeCapacityMemory,
            [ResourceNames.Pods] = NodeCapacityPods,
        },
        HeartbeatInterval = heartbeat,
    };

    // The same names, labels and capacity as the hollow nodes, written straight through the node manager.
    private static async Task RegisterDirectAsync(NodeManager nodes, ScaleOptions options)
    {
        var allocatable = ResourceList.Parse(
            (ResourceNames.Cpu, NodeCapacityCpu), (ResourceNames.Memory, NodeCapacityMemory), (ResourceNames.Pods, NodeCapacityPods));
        int width = Math.Max(4, (options.Nodes - 1).ToString(CultureInfo.InvariantCulture).Length);
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Nodes), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            string name = "sim-" + i.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var labels = new Dictionary<string, string>
            {
                [WellKnownLabels.Hostname] = name,
                [WellKnownLabels.Zone] = HollowNodes.ZoneName(i % options.Zones),
            };
            await nodes.RegisterAsync(new NodeSpec(name, labels, [], allocatable), ct);
        });
    }

    // Polls the node records (a few thousand small values, once a second) until all are there and Ready.
    private static async Task WaitReadyAsync(IKeyValueStore store, int expected, TimeSpan timeout, Stopwatch since, HollowNodes? hollow)
    {
        var deadline = Stopwatch.StartNew();
        var nextProgress = ProgressEvery;
        while (true)
        {
            var nodes = await store.RangeAsync(KeyRange.Prefix(KeyLayout.NodesPrefix));
            int ready = nodes.Kvs.Count(kv => StateSerializer.Read<NodeRecord>(kv).Status.Ready);
            if (ready >= expected)
            {
                return;
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"only {ready} of {expected} nodes were Ready after {timeout.TotalSeconds:F0} s");
            }
            if (since.Elapsed >= nextProgress)
            {
                nextProgress += ProgressEvery;
                Progress($"{since.Elapsed.TotalSeconds,6:F0} s: {nodes.Kvs.Count} nodes registered, {ready} Ready"
                    + (hollow is null ? "" : $" ({hollow.RegisteredCount} accepted by the server)")
                    + $"; thread pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued");
            }
            await Task.Delay(1000);
        }
    }

    private static string Manifest(string name, int replicas, bool spread)
    {
        var manifest = new StringBuilder($$$"""
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {name: {{{name}}}, labels: {app: {{{name}}}}}
            spec:
              replicas: {{{replicas}}}
              containers:
                - name: main
                  command: [sleep, "3600"]
                  resources: {requests: {cpu: 100m, memory: 128Mi}}

            """);
        if (spread)
        {
            // A preference, not a requirement: the scheduler scores zones by skew for every replica.
            manifest.Append(CultureInfo.InvariantCulture, $$$"""
                  topologySpreadConstraints:
                    - maxSkew: 1
                      topologyKey: {{{WellKnownLabels.Zone}}}
                      whenUnsatisfiable: ScheduleAnyway
                      labelSelector: {matchLabels: {app: {{{name}}}}}

                """);
        }
        return manifest.ToString();
    }

    private static async Task ApplyAsync(HttpClient http, string manifest, CancellationToken ct)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await http.PostAsync("v1/apply", content, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"apply answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static async Task IgnoreCancellationAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }


    private static void Progress(string line) => Console.Error.WriteLine(line);
}
