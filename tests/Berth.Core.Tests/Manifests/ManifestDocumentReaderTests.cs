using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class ManifestDocumentReaderTests
{
    private const string Envelope = "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web}\nspec: {}\n";

    [Fact]
    public void ReadAll_ReadsEnvelope_WithDefaultNamespace()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(Envelope));
        Assert.Equal("berth.dev/v1", document.ApiVersion);
        Assert.Equal("Workload", document.Kind);
        Assert.Equal("web", document.Name);
        Assert.Equal("default", document.Namespace);
        Assert.Empty(document.Labels);
        Assert.Equal("spec", document.Spec.Path);
    }

    [Fact]
    public void ReadAll_ReadsNamespaceAndLabels()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {}\n"));
        Assert.Equal("shop/web", document.Key);
        Assert.Equal("web", document.Labels["app"]);
    }

    [Fact]
    public void ReadAll_ReadsSeveralYamlDocuments_WithIndexedPaths()
    {
        var documents = ManifestDocumentReader.ReadAll(Envelope + "---\n" + Envelope.Replace("name: web", "name: api", StringComparison.Ordinal));
        Assert.Equal(["web", "api"], documents.Select(d => d.Name));
        Assert.Equal("[1].spec", documents[1].Spec.Path);
    }

    [Fact]
    public void ReadAll_SkipsEmptyDocuments_KeepingTheirIndex()
    {
        var documents = ManifestDocumentReader.ReadAll("---\n" + Envelope + "---\n");
        var document = Assert.Single(documents);
        Assert.Equal("[0].spec", document.Spec.Path);
    }

    [Fact]
    public void ReadAll_ReadsJsonObject()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            """{"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "web"}, "spec": {}}"""));
        Assert.Equal("web", document.Name);
        Assert.Equal("spec", document.Spec.Path);
    }

    [Fact]
    public void ReadAll_ReadsJsonArray_WithIndexedPaths()
    {
        var documents = ManifestDocumentReader.ReadAll(
            """
            [{"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "web"}, "spec": {}},
             {"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "api"}, "spec": {}}]
            """);
        Assert.Equal(["web", "api"], documents.Select(d => d.Name));
        Assert.Equal("[1].spec", documents[1].Spec.Path);
    }

    [Theory]
    [InlineData("wrong api version", "apiVersion: v1\nkind: Workload\nmetadata: {name: web}\nspec: {}",
        "apiVersion: 'v1' is not supported; use berth.dev/v1")]
    [InlineData("missing api version", "kind: Workload\nmetadata: {name: web}\nspec: {}", "apiVersion: required field is missing")]
    [InlineData("unknown kind", "apiVersion: berth.dev/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}",
        "kind: unknown kind 'Deployment'; use one of Workload, PriorityClass, Quota, Reservation, Pool, NodeClass, PlacementPolicy, Role, RoleBinding")]
    [InlineData("planned kind", "apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {name: q}\nspec: {}",
        "kind: kind 'Rule' is not supported yet (security/automation issue); supported kinds: Workload, PriorityClass, Quota, Reservation, Pool, NodeClass, PlacementPolicy, Role, RoleBinding")]
    [InlineData("missing name", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {}\nspec: {}", "metadata.name: required field is missing")]
    [InlineData("bad name", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: Web}\nspec: {}",
        "metadata.name: 'Web' is not a valid name: use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)")]
    [InlineData("bad namespace", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web, namespace: a_b}\nspec: {}",
        "metadata.namespace: 'a_b' is not a valid name: use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)")]
    [InlineData("unknown metadata field", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web, annotations: {}}\nspec: {}",
        "metadata.annotations: unknown field")]
    [InlineData("unknown envelope field", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web}\nspec: {}\nstatus: {}", "status: unknown field")]
    [InlineData("missing spec", "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web}", "spec: required field is missing")]
    [InlineData("not a mapping", "- a\n- b", "[0]: expected an object with apiVersion, kind, metadata and spec")]
    [InlineData("empty", "", "no objects found; a manifest needs apiVersion, kind, metadata and spec (spec/manifests.md)")]
    public void ReadAll_Throws_WithPath(string name, string text, string message)
    {
        _ = name;
        var e = Assert.Throws<ManifestException>(() => ManifestDocumentReader.ReadAll(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ReadAll_PrefixesErrorsWithDocumentIndex_WhenSeveral()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestDocumentReader.ReadAll(Envelope + "---\n" + Envelope.Replace("Workload", "Rule", StringComparison.Ordinal)));
        Assert.Equal("[1].kind: kind 'Rule' is not supported yet (security/automation issue); supported kinds: Workload, PriorityClass, Quota, Reservation, Pool, NodeClass, PlacementPolicy, Role, RoleBinding", e.Message);
    }

    [Fact]
    public void ReadAll_Throws_WhenAnObjectIsGivenTwice()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestDocumentReader.ReadAll(Envelope + "---\n" + Envelope));
        Assert.Equal("[1].metadata.name: Workload 'default/web' is given twice in this text (first at [0].metadata.name); give each object once", e.Message);
    }
}
