using System.Globalization;
using System.Text;
using Berth.Scheduling.Simulation;
using FsCheck;
using FsCheck.Xunit;

namespace Berth.Scheduling.Tests.Properties;

/// <summary>Random clusters with quotas: no namespace ever passes a hard limit or its burst ceiling, and burst replicas never preempt.</summary>
public class QuotaInvariantTests
{
    private static (string Yaml, Dictionary<string, (int Hard, int Soft, int Ceiling)> Limits) Scenario(int seed)
    {
        var random = new Random(seed);
        var yaml = new StringBuilder("nodes:\n");
        int nodes = random.Next(1, 5);
        for (int n = 0; n < nodes; n++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{name: node-{n}, allocatable: {{cpu: \"{random.Next(1, 6)}\"}}}}\n");
        }
        var limits = new Dictionary<string, (int, int, int)>(StringComparer.Ordinal);
        yaml.Append("quotas:\n");
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            int soft = random.Next(0, 5);
            int hard = soft + random.Next(0, 5);
            int percent = random.Next(0, 201);
            bool burst = random.Next(2) == 0;
            // Whole cpus, so the ceiling is soft × (1 + percent/100) rounded down to what whole replicas can reach.
            if (random.Next(3) == 0)
            {
                // Hard limits alone.
                limits[ns] = (hard, hard, hard);
                yaml.Append(CultureInfo.InvariantCulture, $"  - {{name: q, namespace: {ns}, hard: {{cpu: \"{hard}\"}}}}\n");
                continue;
            }
            int ceiling = Math.Min(hard, burst ? (int)Math.Floor(soft * (100m + percent) / 100m) : soft);
            limits[ns] = (hard, soft, ceiling);
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{name: q, namespace: {ns}, hard: {{cpu: \"{hard}\"}}, soft: {{cpu: \"{soft}\"}}{(burst ? $", allowBurst: true, maxBurstPercent: {percent}" : "")}}}\n");
        }
        yaml.Append("workloads:\n");
        int workloads = random.Next(1, 7);
        for (int w = 0; w < workloads; w++)
        {
            var ns = random.Next(3) switch { 0 => "team-a", 1 => "team-b", _ => "default" };
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{name: w{w}, namespace: {ns}, replicas: {random.Next(1, 6)}, priority: {random.Next(0, 3) * 100}, requests: {{cpu: \"1\"}}}}\n");
        }
        return (yaml.ToString(), limits);
    }

    [Property(MaxTest = 80)]
    public void Simulate_NeverPassesALimit_AndBurstNeverPreempts(PositiveInt seed)
    {
        var (yaml, limits) = Scenario(seed.Get);
        var report = new Simulator().Run(ScenarioReader.Read(yaml));

        var placed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in report.Placements)
        {
            foreach (var victim in p.Preempted)
            {
                var ns = victim[..victim.IndexOf('/', StringComparison.Ordinal)];
                placed[ns] = placed.GetValueOrDefault(ns) - 1;
            }
            if (p.IsPlaced)
            {
                placed[p.Namespace] = placed.GetValueOrDefault(p.Namespace) + 1;
                Assert.True(!p.Burst || p.Preempted.Count == 0, $"burst replica {p.Namespace}/{p.Workload}-{p.Replica} preempted {string.Join(", ", p.Preempted)}\n{yaml}");
            }
            foreach (var (ns, (hard, soft, ceiling)) in limits)
            {
                int used = placed.GetValueOrDefault(ns);
                Assert.True(used <= hard && used <= ceiling, $"{ns} uses {used} cpu: hard {hard}, soft {soft}, ceiling {ceiling}\n{yaml}");
            }
        }
    }
}
