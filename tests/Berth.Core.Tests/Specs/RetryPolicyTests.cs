using Berth.Core.Specs;

namespace Berth.Core.Tests.Specs;

public class RetryPolicyTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 80)]
    [InlineData(6, 120)]
    [InlineData(7, 120)]
    [InlineData(1000, 120)]
    [InlineData(int.MaxValue, 120)]
    public void DelayBefore_DoublesFromFiveSeconds_CappedAt120(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryPolicy.DelayBefore(attempt));

    [Fact]
    public void DelayBefore_Throws_ForAttemptBelowOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.DelayBefore(0));

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Constructor_Throws_WhenAttemptsOutOfRange(int attempts) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(attempts));

    [Fact]
    public void Default_HasFiveAttempts() => Assert.Equal(5, RetryPolicy.Default.MaxAttempts);

    [Fact]
    public void WorkloadSpec_DefaultsRetryRestartAndState_WhenNotGiven()
    {
        var spec = Workloads.With([Workloads.Container()]);
        Assert.Equal(RetryPolicy.Default, spec.Retry);
        Assert.Equal(RestartPolicy.Always, spec.RestartPolicy);
        Assert.Equal(DesiredState.Running, spec.DesiredState);
        Assert.Null(spec.ReplicaRange);
    }
}
