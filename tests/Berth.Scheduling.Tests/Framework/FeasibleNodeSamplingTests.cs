using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Tests.Framework;

public class FeasibleNodeSamplingTests
{
    // Expected values worked out by hand from kube-scheduler's numFeasibleNodesToFind: below 100 nodes every node;
    // otherwise nodes * percentage / 100, at least 100; percentage 0 = max(50 - nodes/125, 5).
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(50, 0, 50)]
    [InlineData(50, 5, 50)]
    [InlineData(50, 100, 50)]
    [InlineData(99, 10, 99)]
    [InlineData(100, 0, 100)]
    [InlineData(100, 5, 100)]
    [InlineData(100, 10, 100)]
    [InlineData(100, 50, 100)]
    [InlineData(100, 100, 100)]
    [InlineData(1000, 0, 420)]
    [InlineData(1000, 5, 100)]
    [InlineData(1000, 10, 100)]
    [InlineData(1000, 50, 500)]
    [InlineData(1000, 100, 1000)]
    [InlineData(5000, 0, 500)]
    [InlineData(5000, 5, 250)]
    [InlineData(5000, 10, 500)]
    [InlineData(5000, 50, 2500)]
    [InlineData(5000, 100, 5000)]
    [InlineData(5625, 0, 281)]
    [InlineData(10000, 0, 500)]
    [InlineData(10000, 5, 500)]
    [InlineData(10000, 10, 1000)]
    [InlineData(10000, 50, 5000)]
    [InlineData(10000, 100, 10000)]
    public void NumFeasibleNodesToFind_MatchesKubernetes(int nodes, int percentage, int expected) =>
        Assert.Equal(expected, FeasibleNodeSampling.NumFeasibleNodesToFind(percentage, nodes));
}
