using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class TopologySpreadReaderTests
{
    private static IReadOnlyList<TopologySpreadConstraint> Read(string yaml) =>
        TopologySpreadReader.ReadList(ManifestNode.Parse(yaml).RequiredField("c"));

    [Fact]
    public void Read_AppliesKubernetesDefaults()
    {
        var c = Assert.Single(Read("c: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]"));
        Assert.Equal(1, c.MaxSkew);
        Assert.Null(c.MinDomains);
        Assert.Equal(NodeInclusionPolicy.Honor, c.NodeAffinityPolicy);
        Assert.Equal(NodeInclusionPolicy.Ignore, c.NodeTaintsPolicy);
        Assert.Empty(c.MatchLabelKeys);
    }

    [Fact]
    public void Read_ReadsEveryField()
    {
        var c = Assert.Single(Read("c: [{maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 3, nodeAffinityPolicy: Ignore, nodeTaintsPolicy: Honor, matchLabelKeys: [pod-template-hash]}]"));
        Assert.Equal(3, c.MinDomains);
        Assert.Equal(NodeInclusionPolicy.Ignore, c.NodeAffinityPolicy);
        Assert.Equal(NodeInclusionPolicy.Honor, c.NodeTaintsPolicy);
        Assert.Equal(["pod-template-hash"], c.MatchLabelKeys);
    }

    [Theory]
    [InlineData("{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}", "c[0].maxSkew: 0 is out of range; must be 1 or more")]
    [InlineData("{maxSkew: 1, whenUnsatisfiable: DoNotSchedule}", "c[0].topologyKey: required field is missing")]
    [InlineData("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Maybe}", "c[0].whenUnsatisfiable: 'Maybe' is not valid; use one of DoNotSchedule, ScheduleAnyway")]
    [InlineData("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}", "c[0].minDomains: only applies with whenUnsatisfiable DoNotSchedule")]
    [InlineData("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 0}", "c[0].minDomains: 0 is out of range; must be 1 or more")]
    [InlineData("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Always}", "c[0].nodeTaintsPolicy: 'Always' is not valid; use one of Honor, Ignore")]
    public void Read_Throws_ForInvalidConstraint(string constraint, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => Read($"c: [{constraint}]"));
        Assert.Equal(expected, e.Message);
    }
}
