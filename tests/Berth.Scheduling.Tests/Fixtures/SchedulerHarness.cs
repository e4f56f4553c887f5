using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Snapshot;

namespace Berth.Scheduling.Tests.Fixtures;

/// <summary>Runs the whole scheduler in memory: a snapshot of nodes, a profile, and a way to place and schedule replicas.</summary>
public sealed class SchedulerHarness
{
    public SchedulerHarness(IEnumerable<NodeSpec> nodes, SchedulingProfile? profile = null, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? namespaceLabels = null, int parallelism = 1,
        IReadOnlyList<DisruptionBudget>? disruptionBudgets = null)
    {
        Snapshot = ClusterSnapshot.Create([.. nodes], namespaceLabels, disruptionBudgets);
        Scheduler = new Scheduler(profile ?? BuiltInProfiles.Default with { PostFilters = [] }, options: new SchedulerOptions(parallelism));
    }

    public ClusterSnapshot Snapshot { get; }

    public Scheduler Scheduler { get; }

    /// <summary>Places replicas of a workload on named nodes as if already running.</summary>
    public ReplicaInfo Place(WorkloadSpec workload, params string[] nodes)
    {
        var info = Snapshot.Compile(workload);
        for (int i = 0; i < nodes.Length; i++)
        {
            int index = Snapshot.IndexOf(nodes[i]);
            Assert.True(index >= 0, $"no node named {nodes[i]}");
            Snapshot.Place(info, index, $"{workload.Name}-{i}");
        }
        return info;
    }

    /// <summary>Places replicas of a workload on named nodes as if running since <paramref name="startTime"/>.</summary>
    public ReplicaInfo PlaceStarted(WorkloadSpec workload, DateTimeOffset startTime, params string[] nodes)
    {
        var info = Snapshot.Compile(workload);
        for (int i = 0; i < nodes.Length; i++)
        {
            Snapshot.Place(info, Snapshot.IndexOf(nodes[i]), $"{workload.Name}-{i}", startTime);
        }
        return info;
    }

    /// <summary>Schedules one replica (explained) without placing it.</summary>
    public PlacementResult Schedule(WorkloadSpec workload, bool explain = true) =>
        Scheduler.Schedule(Snapshot, Snapshot.Compile(workload), 0, explain);

    /// <summary>Schedules every replica of the workload, placing each before the next, and returns the chosen node names.</summary>
    public IReadOnlyList<string?> ScheduleAll(WorkloadSpec workload)
    {
        var info = Snapshot.Compile(workload);
        var chosen = new List<string?>();
        for (int i = 0; i < workload.Replicas; i++)
        {
            var result = Scheduler.Schedule(Snapshot, info, i, explain: false);
            if (result.IsPlaced)
            {
                Snapshot.Place(info, result.Node, $"{workload.Name}-{i}");
            }
            chosen.Add(result.NodeName);
        }
        return chosen;
    }

    /// <summary>The normalized score a plugin gave a node in an explained result.</summary>
    public static long ScoreOf(PlacementResult result, string node, string plugin) =>
        result.Diagnostics.Nodes!.Single(n => n.Node == node).Scores[plugin];

    /// <summary>The reasons a node was refused in an explained result.</summary>
    public static IReadOnlyList<string> ReasonsOf(PlacementResult result, string node) =>
        result.Diagnostics.Nodes!.Single(n => n.Node == node).Reasons;

    /// <summary>The names of the feasible nodes in an explained result, in node order.</summary>
    public static IReadOnlyList<string> FeasibleNodes(PlacementResult result) =>
        [.. result.Diagnostics.Nodes!.Where(n => n.Feasible).Select(n => n.Node)];

    /// <summary>The default profile without preemption and with first-node tiebreak, so results are repeatable.</summary>
    public static SchedulingProfile DefaultWithoutPreemption() => BuiltInProfiles.Default with
    {
        PostFilters = [],
        Tiebreak = Tiebreak.First,
    };

    /// <summary>A profile running only the named filters and weight-1 scores, with first-node tiebreak.</summary>
    public static SchedulingProfile Only(string[] filters, params string[] scores) =>
        new("test", [.. filters.Select(f => new PluginReference(f))], [.. scores.Select(s => new ScorePluginReference(s, 1))], [], Tiebreak.First);
}
