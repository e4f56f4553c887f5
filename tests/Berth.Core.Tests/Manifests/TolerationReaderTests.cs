using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class TolerationReaderTests
{
    private static IReadOnlyList<Toleration> Read(string yaml) => TolerationReader.ReadList(ManifestNode.Parse(yaml).RequiredField("tolerations"));

    [Fact]
    public void Read_DefaultsToEqual_AndEveryEffect()
    {
        var t = Assert.Single(Read("tolerations: [{key: dedicated, value: gpu}]"));
        Assert.Equal(new Toleration("dedicated", TolerationOperator.Equal, "gpu", null), t);
    }

    [Fact]
    public void Read_AcceptsEmptyKeyWithExists_ToTolerateEverything()
    {
        var t = Assert.Single(Read("tolerations: [{operator: Exists}]"));
        Assert.True(t.Tolerates(new Taint("anything", "x", TaintEffect.NoExecute)));
    }

    [Theory]
    [InlineData("{key: a, operator: Exists, value: x}", "tolerations[0].value: must be empty when the operator is Exists")]
    [InlineData("{value: x}", "tolerations[0].operator: must be Exists when the key is empty (to tolerate every taint)")]
    [InlineData("{key: a, operator: Is}", "tolerations[0].operator: 'Is' is not valid; use one of Equal, Exists")]
    [InlineData("{key: a, effect: Never}", "tolerations[0].effect: 'Never' is not valid; use one of NoSchedule, PreferNoSchedule, NoExecute")]
    [InlineData("{key: a, effect: NoSchedule, tolerationSeconds: 30}", "tolerations[0].tolerationSeconds: only applies with effect NoExecute")]
    public void Read_Throws_ForInvalidToleration(string toleration, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => Read($"tolerations: [{toleration}]"));
        Assert.Equal(expected, e.Message);
    }
}
