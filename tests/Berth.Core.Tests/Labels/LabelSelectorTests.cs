using Berth.Core.Labels;

namespace Berth.Core.Tests.Labels;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front" };

    [Fact]
    public void Everything_MatchesAnyLabels_IncludingNone()
    {
        Assert.True(LabelSelector.Everything.IsEmpty);
        Assert.True(LabelSelector.Everything.Matches(Web));
        Assert.True(LabelSelector.Everything.Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void MatchLabels_RequiresEveryPair()
    {
        Assert.True(LabelSelector.ForLabels(new Dictionary<string, string> { ["app"] = "web" }).Matches(Web));
        Assert.False(LabelSelector.ForLabels(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }).Matches(Web));
        Assert.False(LabelSelector.ForLabels(new Dictionary<string, string> { ["env"] = "prod" }).Matches(Web));
    }

    [Fact]
    public void MatchLabelsAndExpressions_AreAnded()
    {
        var selector = new LabelSelector(
            new Dictionary<string, string> { ["app"] = "web" },
            [new LabelRequirement("tier", SelectorOperator.NotIn, ["back"]), new LabelRequirement("env", SelectorOperator.DoesNotExist, [])]);
        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["env"] = "prod" }));
    }

    [Fact]
    public void WithLabels_AddsInRequirements_AndKeepsTheOriginal()
    {
        var selector = LabelSelector.ForLabels(new Dictionary<string, string> { ["app"] = "web" });
        var extended = selector.WithLabels([KeyValuePair.Create("tier", "front")]);
        Assert.True(extended.Matches(Web));
        Assert.False(extended.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }));
        Assert.Empty(selector.MatchExpressions);
    }

    [Fact]
    public void ToString_ListsPairsThenExpressions()
    {
        var selector = new LabelSelector(new Dictionary<string, string> { ["app"] = "web" }, [new LabelRequirement("zone", SelectorOperator.In, ["a"])]);
        Assert.Equal("app=web,zone In [a]", selector.ToString());
    }
}
