using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class TaintReaderTests
{
    private static IReadOnlyList<Taint> Read(string yaml) => TaintReader.ReadList(ManifestNode.Parse(yaml).RequiredField("taints"));

    [Fact]
    public void Read_ReadsKeyValueAndEffect()
    {
        Assert.Equal([new Taint("dedicated", "gpu", TaintEffect.NoSchedule), new Taint("spot", "", TaintEffect.PreferNoSchedule)],
            Read("taints: [{key: dedicated, value: gpu, effect: NoSchedule}, {key: spot, effect: PreferNoSchedule}]"));
    }

    [Theory]
    [InlineData("[{key: a}]", "taints[0].effect: required field is missing")]
    [InlineData("[{value: x, effect: NoSchedule}]", "taints[0].key: required field is missing")]
    [InlineData("[{key: a, effect: NoSchedule}, {key: a, value: b, effect: NoSchedule}]", "taints[1]: taint 'a' with effect NoSchedule is given twice")]
    public void Read_Throws_ForInvalidTaint(string taints, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => Read($"taints: {taints}"));
        Assert.Equal(expected, e.Message);
    }
}
