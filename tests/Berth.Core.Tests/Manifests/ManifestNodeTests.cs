using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class ManifestNodeTests
{
    [Fact]
    public void ExpectFields_Throws_WithFullPathOfUnknownField()
    {
        var root = ManifestNode.Parse("workloads:\n  - name: a\n  - name: b\n    affinity:\n      nodeAffinity:\n        foo: 1\n");
        var affinity = root.RequiredField("workloads").Items()[1].RequiredField("affinity").RequiredField("nodeAffinity");
        var e = Assert.Throws<ManifestException>(() => affinity.ExpectFields("requiredDuringSchedulingIgnoredDuringExecution"));
        Assert.Equal("workloads[1].affinity.nodeAffinity.foo: unknown field", e.Message);
        Assert.Equal("workloads[1].affinity.nodeAffinity.foo", e.Path);
        Assert.Equal("unknown field", e.Problem);
    }

    [Fact]
    public void Parse_ReadsJson_WithTheSameShapeAsYaml()
    {
        var root = ManifestNode.Parse("{\"nodes\": [{\"name\": \"n1\", \"ready\": true, \"pods\": 5}]}");
        var node = root.RequiredField("nodes").Items()[0];
        Assert.Equal("n1", node.RequiredField("name").AsString());
        Assert.True(node.RequiredField("ready").AsBool());
        Assert.Equal(5, node.RequiredField("pods").AsInt());
        Assert.Equal("nodes[0].pods", node.RequiredField("pods").Path);
    }

    [Fact]
    public void Parse_ReportsLine_WhenYamlIsMalformed()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestNode.Parse("nodes:\n  - name: [a\n"));
        Assert.StartsWith("line ", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReportsLine_WhenJsonIsMalformed()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestNode.Parse("{\"nodes\": [}"));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnsNullNode_ForEmptyDocument()
    {
        var root = ManifestNode.Parse("");
        Assert.True(root.IsNull);
        Assert.Empty(root.Entries());
        Assert.Null(root.Field("nodes"));
    }

    [Fact]
    public void RequiredField_Throws_WhenMissing()
    {
        var root = ManifestNode.Parse("nodes:\n  - labels: {}\n");
        var e = Assert.Throws<ManifestException>(() => root.RequiredField("nodes").Items()[0].RequiredField("name"));
        Assert.Equal("nodes[0].name: required field is missing", e.Message);
    }

    [Fact]
    public void Items_Throws_WhenNodeIsAMapping()
    {
        var root = ManifestNode.Parse("nodes: {name: a}\n");
        var e = Assert.Throws<ManifestException>(() => root.RequiredField("nodes").Items());
        Assert.Equal("nodes: expected a list ([…]), found a mapping", e.Message);
    }

    [Fact]
    public void AsInt_Throws_WhenNotAnInteger()
    {
        var root = ManifestNode.Parse("replicas: three\n");
        var e = Assert.Throws<ManifestException>(() => root.RequiredField("replicas").AsInt());
        Assert.Equal("replicas: 'three' is not an integer from -2147483648 to 2147483647", e.Message);
    }

    [Fact]
    public void Field_TreatsExplicitNullAsAbsent_ButKeepsQuotedNullString()
    {
        var root = ManifestNode.Parse("a: null\nb: ~\nc: \"null\"\n");
        Assert.Null(root.Field("a"));
        Assert.Null(root.Field("b"));
        Assert.Equal("null", root.RequiredField("c").AsString());
    }

    [Fact]
    public void ParseAll_ReadsEveryYamlDocument()
    {
        var documents = ManifestNode.ParseAll("a: 1\n---\nb: 2\n");
        Assert.Equal(2, documents.Count);
        Assert.Equal("2", documents[1].RequiredField("b").AsString());
    }

    [Fact]
    public void Parse_Throws_WhenYamlKeyIsGivenTwice()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestNode.Parse("a: 1\na: 2\n"));
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Throws_WithPath_WhenJsonKeyIsGivenTwice()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestNode.Parse("{\"nodes\": [{\"name\": \"a\", \"name\": \"b\"}]}"));
        Assert.Equal("nodes[0].name: field is given twice", e.Message);
    }
}
