using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class AffinityReaderTests
{
    private static Affinity Read(string yaml) => AffinityReader.Read(ManifestNode.Parse(yaml).RequiredField("affinity"));

    [Fact]
    public void Read_ReadsKubernetesShape()
    {
        var affinity = Read("""
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a, b]}]}]
                preferredDuringSchedulingIgnoredDuringExecution:
                  - {weight: 10, preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}}
              podAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchLabels: {app: db}}
                    topologyKey: zone
                    namespaces: [data]
                    namespaceSelector: {matchLabels: {tier: gold}}
                    matchLabelKeys: [version]
              podAntiAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm: {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname, mismatchLabelKeys: [tenant]}
            """);
        Assert.Single(affinity.NodeAffinity.Required!.Terms);
        Assert.Equal(10, affinity.NodeAffinity.Preferred[0].Weight);
        var term = affinity.PodAffinity.Required[0];
        Assert.Equal("zone", term.TopologyKey);
        Assert.Equal(["data"], term.Namespaces);
        Assert.Equal("gold", term.NamespaceSelector!.MatchLabels["tier"]);
        Assert.Equal(["version"], term.MatchLabelKeys);
        var preferred = affinity.PodAntiAffinity.Preferred[0];
        Assert.Equal(100, preferred.Weight);
        Assert.Equal(["tenant"], preferred.Term.MismatchLabelKeys);
    }

    [Fact]
    public void Read_ReturnsNone_WhenEmpty()
    {
        var affinity = Read("affinity: {}");
        Assert.Null(affinity.NodeAffinity.Required);
        Assert.True(affinity.PodAffinity.IsEmpty);
        Assert.True(affinity.PodAntiAffinity.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Read_Throws_WhenWeightIsOutOfRange(int weight)
    {
        var e = Assert.Throws<ManifestException>(() => Read($"affinity: {{nodeAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: [{{weight: {weight}, preference: {{matchExpressions: [{{key: a, operator: Exists}}]}}}}]}}}}"));
        Assert.Equal($"affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: {weight} is out of range; use 1 to 100", e.Message);
    }

    [Fact]
    public void Read_Throws_WhenTopologyKeyIsMissing()
    {
        var e = Assert.Throws<ManifestException>(() => Read("affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {}}]}}"));
        Assert.Equal("affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: required field is missing", e.Message);
    }

    [Fact]
    public void Read_Throws_WhenKeyIsInMatchAndMismatchLabelKeys()
    {
        var e = Assert.Throws<ManifestException>(() => Read("affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {}, topologyKey: zone, matchLabelKeys: [v], mismatchLabelKeys: [v]}]}}"));
        Assert.Equal("affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].mismatchLabelKeys: 'v' is also in matchLabelKeys; a key may be in only one of them", e.Message);
    }

    [Fact]
    public void Read_Throws_WithPath_ForUnknownField()
    {
        var e = Assert.Throws<ManifestException>(() => Read("affinity: {nodeAffinity: {foo: 1}}"));
        Assert.Equal("affinity.nodeAffinity.foo: unknown field", e.Message);
    }
}
