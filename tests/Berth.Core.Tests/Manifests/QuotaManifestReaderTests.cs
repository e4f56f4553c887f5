using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class QuotaManifestReaderTests
{
    private const string Head = "apiVersion: berth.dev/v1\nkind: Quota\nmetadata: {name: compute, namespace: team-a}\n";

    private static QuotaSpec Read(string spec)
    {
        // Built by hand rather than by ManifestDocumentReader, which checks the envelope and not the spec.
        var root = ManifestNode.Parse(Head + spec);
        var document = new ManifestDocument(ManifestKinds.ApiVersion, QuotaManifestReader.Kind, "compute", "team-a",
            new Dictionary<string, string>(), root.RequiredField("spec"), root);
        return QuotaManifestReader.Read(document);
    }

    private static ManifestException Fails(string spec) => Assert.Throws<ManifestException>(() => Read(spec));

    [Fact]
    public void Read_EveryField_ReadsHardSoftAndBurst()
    {
        var quota = Read("""
            spec:
              hard: {cpu: "16", memory: 32Gi, ephemeral-storage: 100Gi, nvidia.com/gpu: 4, example.com/fpga: 2, replicas: 50}
              soft: {cpu: "8", memory: 16Gi}
              allowBurst: true
              maxBurstPercent: 50
            """);
        Assert.Equal("team-a/compute", quota.Key);
        Assert.Equal(16m, quota.Hard.Get("cpu").Amount);
        Assert.Equal(4m, quota.Hard.Get("nvidia.com/gpu").Amount);
        Assert.Equal(2m, quota.Hard.Get("example.com/fpga").Amount);
        Assert.Equal(50m, quota.Hard.Get(QuotaSpec.Replicas).Amount);
        Assert.Equal(8m, quota.Soft.Get("cpu").Amount);
        Assert.True(quota.AllowBurst);
        Assert.Equal(50, quota.MaxBurstPercent);
        Assert.Equal(["cpu", "ephemeral-storage", "example.com/fpga", "memory", "nvidia.com/gpu", "replicas"], quota.LimitedResources);
    }

    [Fact]
    public void Read_AllowBurstWithoutPercent_DefaultsToDouble()
    {
        var quota = Read("spec: {soft: {cpu: \"4\"}, allowBurst: true}");
        Assert.Equal(QuotaSpec.DefaultMaxBurstPercent, quota.MaxBurstPercent);
        Assert.Equal(8m, quota.BurstCeiling("cpu"));
    }

    [Theory]
    [InlineData("spec: {hard: {cpu: \"4\"}, soft: {cpu: \"5\"}}", "spec.soft.cpu", "above the hard limit 4")]
    [InlineData("spec: {soft: {cpu: \"4\"}, maxBurstPercent: 20}", "spec.maxBurstPercent", "needs allowBurst: true")]
    [InlineData("spec: {hard: {cpu: \"4\"}, allowBurst: true}", "spec.allowBurst", "none are given")]
    [InlineData("spec: {soft: {cpu: \"4\"}, allowBurst: true, maxBurstPercent: 1001}", "spec.maxBurstPercent", "out of range")]
    [InlineData("spec: {hard: {pods: 3}}", "spec.hard.pods", "rename 'pods' to 'replicas'")]
    [InlineData("spec: {hard: {replicas: 2.5}}", "spec.hard.replicas", "not a whole number")]
    [InlineData("spec: {hard: {gpu: 1}}", "spec.hard.gpu", "unknown resource 'gpu'")]
    [InlineData("spec: {hard: {cpu: -1}}", "spec.hard.cpu", "negative")]
    [InlineData("spec: {}", "spec", "needs hard or soft limits")]
    [InlineData("spec: {hard: {cpu: 1}, burst: true}", "spec.burst", "unknown field")]
    public void Read_BadSpec_FailsNamingThePath(string spec, string path, string problem)
    {
        var error = Fails(spec);
        Assert.Equal(path, error.Path);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 50, "4", null, 6)]
    [InlineData(true, 50, "4", "5", 5)]
    [InlineData(false, 0, "4", null, 4)]
    [InlineData(true, 0, "4", null, 4)]
    public void BurstCeiling_IsSoftTimesOnePlusPercent_CappedByHard(bool allowBurst, int percent, string soft, string? hard, int expected)
    {
        var quota = new QuotaSpec("q", "ns",
            hard is null ? Berth.Core.Resources.ResourceList.Empty : Berth.Core.Resources.ResourceList.Parse(("cpu", hard)),
            Berth.Core.Resources.ResourceList.Parse(("cpu", soft)), allowBurst, percent);
        Assert.Equal(expected, quota.BurstCeiling("cpu"));
        Assert.Null(quota.BurstCeiling("memory"));
    }
}
