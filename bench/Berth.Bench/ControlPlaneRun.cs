using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
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
/// End-to-end placement through the control plane: an in-process server (SQLite store in a fresh temporary data
/// directory, REST API on a free loopback port), N nodes registered directly, W workloads of R replicas applied through
/// <c>POST /v1/apply</c>, timed until every replica has an assignment in the store. No agents run, so assignments stay
/// Pending: this measures the API, the scheduler, the placer's store writes and the control loop, not process start.
/// </summary>
internal static class ControlPlaneRun
{
    private static readonly string Committed = $"{BerthMetrics.StoreTransactionsTotal}{{result=\"{BerthMetrics.CommittedResult}\"}}";

    /// <summary>How long one run may take before it is reported as failed.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>Runs once; <paramref name="applyEach"/> sends one request per workload instead of one with every document.</summary>
    public static async Task<ControlPlaneResult> RunAsync(int nodes, int workloads, int replicas, bool applyEach)
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-bench-" + Guid.NewGuid().ToString("N"));
        var options = new ServerOptions
        {
            Listen = "127.0.0.1:0",
            GrpcListen = "127.0.0.1:0",
            DataDirectory = data,
            // No agents heartbeat here; a long grace keeps the registered nodes Ready for the whole run.
            Nodes = new NodeManagerOptions { HeartbeatGrace = TimeSpan.FromHours(1), LostGrace = TimeSpan.FromHours(1) },
        };
        try
        {
            await using var host = await ServerHost.StartAsync(options, logging => logging.ClearProviders());
            using var http = new HttpClient { BaseAddress = host.Address, Timeout = Limit };
            int total = workloads * replicas;
            for (int n = 0; n < nodes; n++)
            {
                await host.Nodes.RegisterAsync(Node($"node-{n:D5}", total));
            }
            var documents = Enumerable.Range(0, workloads).Select(w => Manifest($"load-{w:D5}", replicas)).ToArray();
            var before = await MetricsScrape.BerthSamplesAsync(http);

            var watch = Stopwatch.StartNew();
            if (applyEach)
            {
                foreach (var document in documents)
                {
                    await ApplyAsync(http, document);
                }
            }
            else
            {
                await ApplyAsync(http, string.Join("---\n", documents));
            }
            double applyMs = watch.Elapsed.TotalMilliseconds;
            long placed = 0;
            while ((placed = await CountAsync(host.Store)) < total)
            {
                if (watch.Elapsed > Limit)
                {
                    throw new TimeoutException($"only {placed} of {total} replicas had an assignment after {Limit}");
                }
                await Task.Delay(2);
            }
            watch.Stop();

            // The placer's commit makes a replica count; the reconcile records and the end of the pass follow it. Wait
            // for the counters to settle so the transactions are those of the whole apply, not of a moment in it.
            var after = await MetricsScrape.BerthSamplesAsync(http);
            while (true)
            {
                await Task.Delay(200);
                var next = await MetricsScrape.BerthSamplesAsync(http);
                bool settled = next.GetValueOrDefault(Committed) == after.GetValueOrDefault(Committed)
                    && next.GetValueOrDefault(BerthMetrics.ControlLoopPassSeconds + "_count") > before.GetValueOrDefault(BerthMetrics.ControlLoopPassSeconds + "_count");
                after = next;
                if (settled)
                {
                    break;
                }
            }
            double Delta(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
            double stateReadMs = await StateReadLatencyAsync(host.Store);
            double commitMs = await CommitLatencyAsync(host.Store);
            double passes = Delta(BerthMetrics.ControlLoopPassSeconds + "_count");
            double cycles = Delta(BerthMetrics.SchedulingCycleSeconds + "_count");
            double seconds = watch.Elapsed.TotalSeconds;
            return new ControlPlaneResult(
                nodes, workloads, total, Math.Round(seconds, 3), Math.Round(total / seconds, 1), Math.Round(applyMs, 1),
                Delta(Committed),
                Delta($"{BerthMetrics.StoreTransactionsTotal}{{result=\"{BerthMetrics.ConflictResult}\"}}"),
                passes,
                Math.Round(Delta(BerthMetrics.ControlLoopPassSeconds + "_sum") * 1000, 1),
                cycles,
                Math.Round(Delta(BerthMetrics.SchedulingCycleSeconds + "_sum") * 1000, 1),
                Math.Round(stateReadMs, 2),
                Math.Round(commitMs, 2));
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>A node with room for every replica of the run, so capacity never decides the outcome.</summary>
    private static NodeSpec Node(string name, int replicas) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [],
            ResourceList.Parse(
                ("cpu", (replicas / 2 + 1).ToString(CultureInfo.InvariantCulture)),
                ("memory", (replicas * 64 + 64).ToString(CultureInfo.InvariantCulture) + "Mi"),
                ("pods", (replicas + 1).ToString(CultureInfo.InvariantCulture))));

    private static string Manifest(string name, int replicas) => $$$"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 500m, memory: 64Mi}}

        """;

    private static async Task ApplyAsync(HttpClient http, string manifest)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await http.PostAsync("v1/apply", content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"apply answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// Median time of one read of the whole cluster state with its scheduling snapshot, once the run is over (every
    /// node, workload and assignment): what the placer reads at each step of each workload's pass.
    /// </summary>
    private static async Task<double> StateReadLatencyAsync(IKeyValueStore store)
    {
        const int Reads = 11;
        var reader = new ClusterStateReader(store);
        var times = new double[Reads];
        for (int i = 0; i < Reads; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await reader.ReadAsync();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Reads / 2];
    }

    /// <summary>
    /// Median time of one small put transaction on the run's store, once the run is over: the floor under every commit
    /// the placer makes (the store's own cost, without the API, the scheduler or the loop).
    /// </summary>
    private static async Task<double> CommitLatencyAsync(IKeyValueStore store)
    {
        const int Commits = 51;
        var times = new double[Commits];
        var value = new byte[256];
        for (int i = 0; i < Commits; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await store.TxnAsync([], [TxnOp.Put($"/bench/commit/{i}", value)], []);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Commits / 2];
    }

    private static async Task<long> CountAsync(IKeyValueStore store) =>
        (await store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), limit: 1)).Count;
}
