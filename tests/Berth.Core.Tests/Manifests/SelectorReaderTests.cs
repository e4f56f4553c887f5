using Berth.Core.Labels;
using Berth.Core.Manifests;

namespace Berth.Core.Tests.Manifests;

public class SelectorReaderTests
{
    private static ManifestNode Node(string yaml) => ManifestNode.Parse(yaml).RequiredField("s");

    [Fact]
    public void ReadLabelSelector_ReadsLabelsAndExpressions()
    {
        var selector = SelectorReader.ReadLabelSelector(Node("s: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}"))!;
        Assert.Equal("web", selector.MatchLabels["app"]);
        Assert.Equal(new LabelRequirement("tier", SelectorOperator.NotIn, ["db"]).ToString(), selector.MatchExpressions[0].ToString());
    }

    [Fact]
    public void ReadRequirement_Throws_WhenOperatorIsUnknown()
    {
        var e = Assert.Throws<ManifestException>(() => SelectorReader.ReadLabelSelector(Node("s: {matchExpressions: [{key: a, operator: Equals, values: [x]}]}")));
        Assert.Equal("s.matchExpressions[0].operator: 'Equals' is not an operator here; use one of In, NotIn, Exists, DoesNotExist", e.Message);
    }

    [Fact]
    public void ReadLabelSelector_Throws_WhenOperatorIsGt()
    {
        var e = Assert.Throws<ManifestException>(() => SelectorReader.ReadLabelSelector(Node("s: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}")));
        Assert.Equal("s.matchExpressions[0].operator: 'Gt' is not an operator here; use one of In, NotIn, Exists, DoesNotExist", e.Message);
    }

    [Theory]
    [InlineData("{key: a, operator: In}", "s.matchExpressions[0].values: must have at least one value with operator In")]
    [InlineData("{key: a, operator: Exists, values: [x]}", "s.matchExpressions[0].values: must be empty with operator Exists")]
    [InlineData("{key: a, operator: Gt, values: ['1', '2']}", "s.matchExpressions[0].values: must have exactly one value with operator Gt")]
    [InlineData("{key: a, operator: Lt, values: [ten]}", "s.matchExpressions[0].values: 'ten' must be an integer with operator Lt")]
    [InlineData("{key: a, operator: In, values: [x], extra: 1}", "s.matchExpressions[0].extra: unknown field")]
    public void ReadNodeSelectorTerm_Throws_ForInvalidRequirement(string requirement, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => SelectorReader.ReadNodeSelectorTerm(Node($"s: {{matchExpressions: [{requirement}]}}")));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void ReadNodeSelectorTerm_AllowsGtAndMatchFieldsOnName()
    {
        var term = SelectorReader.ReadNodeSelectorTerm(Node("s: {matchExpressions: [{key: cores, operator: Gt, values: ['16']}], matchFields: [{key: metadata.name, operator: In, values: [n1]}]}"));
        Assert.True(term.Matches(new Dictionary<string, string> { ["cores"] = "32" }, "n1"));
        Assert.False(term.Matches(new Dictionary<string, string> { ["cores"] = "32" }, "n2"));
    }

    [Fact]
    public void ReadNodeSelectorTerm_Throws_WhenMatchFieldsNamesAnotherField()
    {
        var e = Assert.Throws<ManifestException>(() => SelectorReader.ReadNodeSelectorTerm(Node("s: {matchFields: [{key: spec.unschedulable, operator: In, values: ['true']}]}")));
        Assert.Equal("s.matchFields[0].key: 'spec.unschedulable' is not a supported field; only metadata.name is", e.Message);
    }

    [Fact]
    public void ReadNodeSelector_Throws_WhenThereAreNoTerms()
    {
        var e = Assert.Throws<ManifestException>(() => SelectorReader.ReadNodeSelector(Node("s: {nodeSelectorTerms: []}")));
        Assert.Equal("s.nodeSelectorTerms: must have at least one term", e.Message);
    }
}
