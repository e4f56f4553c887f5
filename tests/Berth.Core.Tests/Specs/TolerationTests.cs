using Berth.Core.Specs;

namespace Berth.Core.Tests.Specs;

public sealed class TolerationTests
{
    private static readonly Taint GpuNoSchedule = new("dedicated", "gpu", TaintEffect.NoSchedule);

    [Theory]
    [InlineData("dedicated", "gpu", TaintEffect.NoSchedule)]
    [InlineData("other", "x", TaintEffect.NoExecute)]
    [InlineData("node.kubernetes.io/not-ready", "", TaintEffect.PreferNoSchedule)]
    public void ExistsWithEmptyKeyAndNoEffect_ToleratesEveryTaint(string key, string value, TaintEffect effect)
    {
        Assert.True(new Toleration("", TolerationOperator.Exists, "", null).Tolerates(new Taint(key, value, effect)));
    }

    [Fact]
    public void ExistsWithEmptyKey_AndAnEffect_ToleratesOnlyThatEffect()
    {
        var toleration = new Toleration("", TolerationOperator.Exists, "", TaintEffect.NoExecute);
        Assert.True(toleration.Tolerates(new Taint("any", "v", TaintEffect.NoExecute)));
        Assert.False(toleration.Tolerates(GpuNoSchedule));
    }

    [Theory]
    [InlineData(TaintEffect.NoSchedule)]
    [InlineData(TaintEffect.PreferNoSchedule)]
    [InlineData(TaintEffect.NoExecute)]
    public void EffectlessToleration_ToleratesEveryEffect(TaintEffect effect)
    {
        Assert.True(new Toleration("dedicated", TolerationOperator.Equal, "gpu", null).Tolerates(new Taint("dedicated", "gpu", effect)));
    }

    [Fact]
    public void Equal_RequiresTheSameValue()
    {
        Assert.True(new Toleration("dedicated", TolerationOperator.Equal, "gpu", TaintEffect.NoSchedule).Tolerates(GpuNoSchedule));
        Assert.False(new Toleration("dedicated", TolerationOperator.Equal, "cpu", TaintEffect.NoSchedule).Tolerates(GpuNoSchedule));
        Assert.False(new Toleration("dedicated", TolerationOperator.Equal, "", null).Tolerates(GpuNoSchedule));
    }

    [Fact]
    public void ExistsWithKey_ToleratesAnyValueOfThatKey()
    {
        var toleration = new Toleration("dedicated", TolerationOperator.Exists, "", null);
        Assert.True(toleration.Tolerates(GpuNoSchedule));
        Assert.True(toleration.Tolerates(new Taint("dedicated", "", TaintEffect.NoExecute)));
        Assert.False(toleration.Tolerates(new Taint("other", "gpu", TaintEffect.NoSchedule)));
    }

    [Fact]
    public void EffectMismatch_DoesNotTolerate()
    {
        Assert.False(new Toleration("dedicated", TolerationOperator.Equal, "gpu", TaintEffect.NoExecute).Tolerates(GpuNoSchedule));
    }
}
