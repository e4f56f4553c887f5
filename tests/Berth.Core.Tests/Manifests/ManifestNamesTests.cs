using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class ManifestNamesTests
{
    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1", true)]
    [InlineData("1web", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("web.api", false)]
    [InlineData("", false)]
    public void ValidateDnsLabel_FollowsDns1123(string name, bool valid) =>
        Assert.Equal(valid, ManifestNames.ValidateDnsLabel(name) is null);

    [Fact]
    public void ValidateDnsLabel_RefusesMoreThan63Characters() =>
        Assert.NotNull(ManifestNames.ValidateDnsLabel(new string('a', 64)));

    [Theory]
    [InlineData("node-1.example.com", true)]
    [InlineData("node_1", false)]
    [InlineData("node..1", false)]
    public void ValidateDnsSubdomain_FollowsDns1123(string name, bool valid) =>
        Assert.Equal(valid, ManifestNames.ValidateDnsSubdomain(name) is null);

    [Theory]
    [InlineData("app", true)]
    [InlineData("kubernetes.io/hostname", true)]
    [InlineData("topology.kubernetes.io/zone", true)]
    [InlineData("gpu.model", true)]
    [InlineData("Bad_Prefix/x", false)]
    [InlineData("a/", false)]
    [InlineData("-a", false)]
    public void ValidateLabelKey_FollowsQualifiedNames(string key, bool valid) =>
        Assert.Equal(valid, ManifestNames.ValidateLabelKey(key) is null);
}
