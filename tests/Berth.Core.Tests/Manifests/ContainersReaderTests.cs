using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class ContainersReaderTests
{
    private static ManifestNode Containers(string yaml) => ManifestNode.Parse(yaml).RequiredField("containers");

    [Fact]
    public void ReadList_ReadsFlatAndNestedResources()
    {
        var containers = ContainersReader.ReadList(Containers("containers: [{name: app, requests: {cpu: 500m}, limits: {cpu: '1'}}, {name: side, resources: {requests: {memory: 64Mi}}}]"));
        Assert.Equal(500, containers[0].Resources.Requests.Units("cpu"));
        Assert.Equal(1000, containers[0].Resources.Limits.Units("cpu"));
        Assert.Equal(64L * 1024 * 1024, containers[1].Resources.Requests.Units("memory"));
    }

    [Fact]
    public void ReadList_NamesUnnamedContainersByIndex_AndReadsEmptyContainer()
    {
        var containers = ContainersReader.ReadList(Containers("containers: [{}, {}]"));
        Assert.Equal(["c0", "c1"], containers.Select(c => c.Name));
        Assert.Empty(containers[0].Resources.Requests);
    }

    [Fact]
    public void Read_Throws_WhenRequestExceedsLimit()
    {
        var e = Assert.Throws<ManifestException>(() => ContainersReader.ReadList(Containers("containers: [{name: app, requests: {cpu: '2'}, limits: {cpu: '1'}}]")));
        Assert.Equal("containers[0].requests.cpu: request 2 is greater than the limit 1; a request must be less than or equal to its limit", e.Message);
    }

    [Fact]
    public void Read_Throws_WhenNamesRepeat()
    {
        var e = Assert.Throws<ManifestException>(() => ContainersReader.ReadList(Containers("containers: [{name: a}, {name: a}]")));
        Assert.Equal("containers[1].name: 'a' is used by another container; names must be unique", e.Message);
    }

    [Fact]
    public void Read_Throws_ForUnknownField()
    {
        var e = Assert.Throws<ManifestException>(() => ContainersReader.ReadList(Containers("containers: [{name: a, image: nginx}]")));
        Assert.Equal("containers[0].image: unknown field", e.Message);
    }
}
