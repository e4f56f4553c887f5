using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class ResourceListReaderTests
{
    private static ManifestNode Requests(string yaml) => ManifestNode.Parse(yaml).RequiredField("requests");

    [Fact]
    public void Read_ParsesKubernetesNotation()
    {
        var list = ResourceListReader.Read(Requests("requests: {cpu: 500m, memory: 2Gi, nvidia.com/gpu: 1, pods: 3}"));
        Assert.Equal(500, list.Units("cpu"));
        Assert.Equal(2L * 1024 * 1024 * 1024, list.Units("memory"));
        Assert.Equal(1000, list.Units("nvidia.com/gpu")); // GPUs are counted in thousandths of a device
        Assert.Equal(3, list.Units("pods"));
    }

    [Fact]
    public void Read_Throws_WithPath_WhenQuantityIsBad()
    {
        var e = Assert.Throws<ManifestException>(() => ResourceListReader.Read(Requests("requests: {cpu: 2x}")));
        Assert.StartsWith("requests.cpu: '2x' has an unknown suffix 'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Throws_WhenQuantityIsNegative()
    {
        var e = Assert.Throws<ManifestException>(() => ResourceListReader.Read(Requests("requests: {memory: -1Gi}")));
        Assert.Equal("requests.memory: '-1Gi' is negative; quantities must be zero or more", e.Message);
    }

    [Theory]
    [InlineData("requests: {memory: 10Ei}", "requests.memory: 11529215046068469760 is too large")]
    [InlineData("requests: {cpu: 99999999999999999}", "requests.cpu: 99999999999999999 is too large")]
    public void Read_Throws_WhenAmountIsBeyondWhatIsScheduled(string yaml, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => ResourceListReader.Read(Requests(yaml)));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AcceptsTheLargestRealisticMachines()
    {
        var list = ResourceListReader.Read(Requests("requests: {memory: 4Pi, cpu: \"100000\"}"));
        Assert.Equal(4L << 50, list.Units("memory"));
        Assert.Equal(100_000_000, list.Units("cpu"));
    }

    [Fact]
    public void Read_Throws_WhenResourceNameIsUnknown()
    {
        var e = Assert.Throws<ManifestException>(() => ResourceListReader.Read(Requests("requests: {gpu: 1}")));
        Assert.StartsWith("requests.gpu: unknown resource 'gpu'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Throws_WhenNotAMapping()
    {
        var e = Assert.Throws<ManifestException>(() => ResourceListReader.Read(Requests("requests: [cpu]")));
        Assert.Equal("requests: expected a mapping ({key: value, …}), found a list", e.Message);
    }
}
