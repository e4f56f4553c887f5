using Berth.Scheduling.Fleet;
using FsCheck;
using FsCheck.Xunit;

namespace Berth.Scheduling.Tests.Fleet;

public class MigrationPlannerTests
{
    /// <summary>"a=3,b=2" as cluster → replicas.</summary>
    private static Dictionary<string, int> Shares(string text) =>
        text.Length == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal)
            : text.Split(',').ToDictionary(p => p.Split('=')[0], p => int.Parse(p.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static string Render(MigrationPlan plan) =>
        string.Join("; ", plan.Steps.Select(s => $"{s.Kind} {s.Cluster} {s.From}->{s.To} >={s.AvailableAtLeast}"));

    [Fact]
    public void Plan_MoveWholeShare_ScalesUpWaitsThenScalesDownAndRemovesTheOldShare()
    {
        var plan = MigrationPlanner.Plan(Shares("a=3"), Shares("b=3"), minReplicas: 3);

        Assert.False(plan.IsRefused);
        Assert.Equal(
            "ScaleUp b 0->3 >=3; AwaitRunning b 3->3 >=3; ScaleDown a 3->0 >=3; RemoveShare a 0->0 >=3",
            Render(plan));
        Assert.Equal(6, plan.PeakReplicas);
    }

    [Fact]
    public void Plan_MaxSurgeOne_MovesOneReplicaAtATime()
    {
        var plan = MigrationPlanner.Plan(Shares("a=2"), Shares("b=2"), minReplicas: 2, maxSurge: 1);

        Assert.Equal(
            "ScaleUp b 0->1 >=2; AwaitRunning b 1->1 >=2; ScaleDown a 2->1 >=2; "
            + "ScaleUp b 1->2 >=2; AwaitRunning b 2->2 >=2; ScaleDown a 1->0 >=2; RemoveShare a 0->0 >=2",
            Render(plan));
        Assert.Equal(3, plan.PeakReplicas);
    }

    [Fact]
    public void Plan_TargetBelowMinimum_IsRefusedWithTheTotalsAndNoSteps()
    {
        var plan = MigrationPlanner.Plan(Shares("a=3"), Shares("b=1"), minReplicas: 2);

        Assert.True(plan.IsRefused);
        Assert.Equal(MigrationRefusal.TargetBelowMinimum, plan.Refusal);
        Assert.Empty(plan.Steps);
        Assert.Contains("add up to 1 replica(s), fewer than the workload's minimum of 2", plan.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SameShares_IsEmpty()
    {
        var plan = MigrationPlanner.Plan(Shares("a=2,b=1"), Shares("b=1,a=2"), minReplicas: 3);

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Plan_PureGrowth_ScalesUpAndWaitsWithoutScalingDown()
    {
        var plan = MigrationPlanner.Plan(Shares("a=2"), Shares("a=2,b=3"), minReplicas: 2);

        Assert.Equal("ScaleUp b 0->3 >=2; AwaitRunning b 3->3 >=2", Render(plan));
    }

    [Fact]
    public void Plan_MoveAndShrink_ShrinksOnlyAfterTheMovedReplicasRun()
    {
        var plan = MigrationPlanner.Plan(Shares("a=3,b=2"), Shares("a=1,c=2"), minReplicas: 3);

        // b is emptied, so it drains before a; the extra replica of a goes last, down to the target total of 3.
        Assert.Equal(
            "ScaleUp c 0->2 >=5; AwaitRunning c 2->2 >=5; ScaleDown b 2->0 >=5; RemoveShare b 0->0 >=5; ScaleDown a 3->1 >=3",
            Render(plan));
    }

    [Fact]
    public void Plan_NegativeShare_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MigrationPlanner.Plan(Shares("a=-1"), Shares("a=1"), minReplicas: 0));
    }

    [Fact]
    public void Drain_MovesTheDrainedShareOntoTheReceivingOne()
    {
        var target = MigrationPlanner.Drain(Shares("a=2,b=1,c=4"), drained: "a", into: "b");

        Assert.Equal(Shares("b=3,c=4"), target);
    }

    [Fact]
    public void Drain_IntoItself_Throws()
    {
        Assert.Throws<ArgumentException>(() => MigrationPlanner.Drain(Shares("a=2"), "a", "a"));
    }

    /// <summary>
    /// Carried out pessimistically (a new replica counts only once its wait is met, a replica scaled down is gone at
    /// once), every plan ends at the target and never has fewer replicas Running than the minimum, or than at the start
    /// when the workload started below it.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Plan_AnyShares_NeverDropsBelowMinimumAndEndsAtTarget(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var clusters = new[] { "a", "b", "c", "d" };
        Dictionary<string, int> Random() => clusters.Where(_ => random.Next(2) == 0)
            .ToDictionary(c => c, _ => random.Next(0, 6), StringComparer.Ordinal);
        var current = Random();
        var target = Random();
        var minReplicas = random.Next(0, 8);
        var maxSurge = random.Next(1, 4);

        var plan = MigrationPlanner.Plan(current, target, minReplicas, maxSurge);

        var targetTotal = target.Values.Sum();
        Assert.Equal(targetTotal < minReplicas, plan.IsRefused);
        if (plan.IsRefused)
        {
            return;
        }
        var asked = new Dictionary<string, int>(current, StringComparer.Ordinal);
        var running = new Dictionary<string, int>(current, StringComparer.Ordinal);
        var floor = Math.Min(minReplicas, current.Values.Sum());
        foreach (var step in plan.Steps)
        {
            Assert.Equal(asked.GetValueOrDefault(step.Cluster), step.From);
            switch (step.Kind)
            {
                case MigrationStepKind.ScaleUp:
                    Assert.True(step.To > step.From, Render(plan));
                    asked[step.Cluster] = step.To;
                    break;
                case MigrationStepKind.AwaitRunning:
                    running[step.Cluster] = step.To;
                    break;
                case MigrationStepKind.ScaleDown:
                    Assert.True(step.To < step.From, Render(plan));
                    asked[step.Cluster] = step.To;
                    running[step.Cluster] = Math.Min(running.GetValueOrDefault(step.Cluster), step.To);
                    break;
                case MigrationStepKind.RemoveShare:
                    Assert.Equal(0, asked.GetValueOrDefault(step.Cluster));
                    break;
            }
            var available = running.Values.Sum();
            Assert.True(available >= floor, $"{available} running < {floor} after {step}: {Render(plan)}");
            Assert.True(available >= step.AvailableAtLeast, $"{available} running < promised {step.AvailableAtLeast} at {step}");
        }
        Assert.Equal(target.Where(t => t.Value > 0).OrderBy(t => t.Key), asked.Where(t => t.Value > 0).OrderBy(t => t.Key));
    }
}
