using Berth.Agent.Supervision;

namespace Berth.Agent.Tests;

/// <summary>How output is cut into pushes that stay under the size budget.</summary>
public sealed class AgentLoopBatchTests
{
    private static ReplicaOutput Output(string workload, int lines, int length, long next) =>
        new(workload, 0, 1, Enumerable.Range(0, lines).Select(i => new string((char)('a' + i), length)).ToArray(), next);

    [Fact]
    public void Batch_OverBudget_TakesWholeLinesAndAcknowledgesOnlyThose()
    {
        // Each line costs its length plus one (its line end): 11, 22, then 33 would pass 25.
        var batch = AgentLoop.Batch([Output("default/a", 3, 10, next: 7), Output("default/b", 2, 10, next: 2)], budget: 25);

        var only = Assert.Single(batch);
        Assert.Equal("default/a", only.Workload);
        Assert.Equal(2, only.Lines.Count);
        Assert.Equal(6, only.Next);
    }

    [Fact]
    public void Batch_WithinBudget_TakesEverything()
    {
        IReadOnlyList<ReplicaOutput> output = [Output("default/a", 3, 10, next: 3), Output("default/b", 2, 10, next: 2)];

        Assert.Equal(output, AgentLoop.Batch(output, budget: 1000));
    }

    [Fact]
    public void Batch_LineLongerThanBudget_IsStillTakenAlone()
    {
        var batch = AgentLoop.Batch([Output("default/a", 2, 100, next: 2)], budget: 10);

        Assert.Single(Assert.Single(batch).Lines);
        Assert.Equal(1, batch[0].Next);
    }
}
