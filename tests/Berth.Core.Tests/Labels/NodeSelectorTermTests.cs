using Berth.Core.Labels;

namespace Berth.Core.Tests.Labels;

public sealed class NodeSelectorTermTests
{
    private static readonly Dictionary<string, string> NodeLabels = new() { ["zone"] = "a", ["disk"] = "ssd" };

    private static LabelRequirement Req(string key, SelectorOperator op, params string[] values) => new(key, op, values);

    [Fact]
    public void EmptyTerm_MatchesNoNode()
    {
        Assert.False(new NodeSelectorTerm([], []).Matches(NodeLabels, "node-1"));
    }

    [Fact]
    public void Expressions_AreAnded()
    {
        Assert.True(new NodeSelectorTerm([Req("zone", SelectorOperator.In, "a"), Req("disk", SelectorOperator.Exists)], []).Matches(NodeLabels, "node-1"));
        Assert.False(new NodeSelectorTerm([Req("zone", SelectorOperator.In, "a"), Req("disk", SelectorOperator.In, "hdd")], []).Matches(NodeLabels, "node-1"));
    }

    [Fact]
    public void NotIn_OnAbsentKey_Matches()
    {
        Assert.True(new NodeSelectorTerm([Req("gpu", SelectorOperator.NotIn, "v100")], []).Matches(NodeLabels, "node-1"));
    }

    [Fact]
    public void MatchFields_MetadataName_MatchesTheNodeName()
    {
        var term = new NodeSelectorTerm([], [Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "node-1", "node-2")]);
        Assert.True(term.Matches(NodeLabels, "node-1"));
        Assert.False(term.Matches(NodeLabels, "node-3"));
        var notIn = new NodeSelectorTerm([], [Req(NodeSelectorTerm.NodeNameField, SelectorOperator.NotIn, "node-1")]);
        Assert.False(notIn.Matches(NodeLabels, "node-1"));
        Assert.True(notIn.Matches(NodeLabels, "node-3"));
    }

    [Fact]
    public void MatchFields_DoNotReadLabels()
    {
        // A label named metadata.name is not the node's name.
        var labels = new Dictionary<string, string> { [NodeSelectorTerm.NodeNameField] = "node-1" };
        var term = new NodeSelectorTerm([], [Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "node-1")]);
        Assert.False(term.Matches(labels, "node-9"));
    }

    [Fact]
    public void ExpressionsAndFields_AreAnded()
    {
        var term = new NodeSelectorTerm([Req("zone", SelectorOperator.In, "a")], [Req(NodeSelectorTerm.NodeNameField, SelectorOperator.In, "node-1")]);
        Assert.True(term.Matches(NodeLabels, "node-1"));
        Assert.False(term.Matches(NodeLabels, "node-2"));
        Assert.False(term.Matches(new Dictionary<string, string> { ["zone"] = "b" }, "node-1"));
    }

    [Fact]
    public void NodeSelector_OrsItsTerms_AndWithoutTermsMatchesNothing()
    {
        var selector = new NodeSelector([
            new NodeSelectorTerm([Req("zone", SelectorOperator.In, "b")], []),
            new NodeSelectorTerm([Req("disk", SelectorOperator.In, "ssd")], []),
        ]);
        Assert.True(selector.Matches(NodeLabels, "node-1"));   // second term matches
        Assert.False(selector.Matches(new Dictionary<string, string> { ["zone"] = "c" }, "node-1"));
        Assert.False(new NodeSelector([]).Matches(NodeLabels, "node-1"));
        // An empty term among others matches nothing by itself, but does not stop another term from matching.
        Assert.True(new NodeSelector([new NodeSelectorTerm([], []), new NodeSelectorTerm([Req("zone", SelectorOperator.In, "a")], [])]).Matches(NodeLabels, "n"));
    }
}
