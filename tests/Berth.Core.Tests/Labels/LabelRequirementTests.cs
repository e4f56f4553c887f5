using Berth.Core.Labels;

namespace Berth.Core.Tests.Labels;

public sealed class LabelRequirementTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["zone"] = "a", ["cores"] = "8", ["name"] = "abc", ["neg"] = "-3" };

    private static bool Matches(string key, SelectorOperator op, params string[] values) =>
        new LabelRequirement(key, op, values).Matches(Labels);

    [Fact]
    public void In_MatchesListedValue_AndNotAbsentKey()
    {
        Assert.True(Matches("zone", SelectorOperator.In, "a", "b"));
        Assert.False(Matches("zone", SelectorOperator.In, "b", "c"));
        Assert.False(Matches("region", SelectorOperator.In, "a"));
    }

    [Fact]
    public void NotIn_MatchesAbsentKey()
    {
        Assert.True(Matches("region", SelectorOperator.NotIn, "a"));
        Assert.True(Matches("zone", SelectorOperator.NotIn, "b"));
        Assert.False(Matches("zone", SelectorOperator.NotIn, "a", "b"));
    }

    [Fact]
    public void Exists_And_DoesNotExist_LookOnlyAtTheKey()
    {
        Assert.True(Matches("zone", SelectorOperator.Exists));
        Assert.False(Matches("region", SelectorOperator.Exists));
        Assert.True(Matches("region", SelectorOperator.DoesNotExist));
        Assert.False(Matches("zone", SelectorOperator.DoesNotExist));
    }

    [Theory]
    [InlineData("cores", SelectorOperator.Gt, "4", true)]    // 8 > 4
    [InlineData("cores", SelectorOperator.Gt, "8", false)]   // strict: 8 > 8 is false
    [InlineData("cores", SelectorOperator.Lt, "10", true)]   // 8 < 10
    [InlineData("cores", SelectorOperator.Lt, "8", false)]
    [InlineData("neg", SelectorOperator.Lt, "0", true)]      // -3 < 0
    [InlineData("cores", SelectorOperator.Gt, "+7", true)]   // a leading sign parses, as Go's ParseInt
    [InlineData("name", SelectorOperator.Gt, "1", false)]    // label "abc" is not an integer
    [InlineData("name", SelectorOperator.Lt, "1", false)]
    [InlineData("cores", SelectorOperator.Gt, "x", false)]   // requirement value is not an integer
    [InlineData("cores", SelectorOperator.Gt, "1.5", false)] // nor is 1.5
    [InlineData("region", SelectorOperator.Gt, "1", false)]  // absent key
    [InlineData("region", SelectorOperator.Lt, "1", false)]
    public void GtLt_CompareIntegers_AndFailOnNonIntegers(string key, SelectorOperator op, string value, bool expected)
    {
        Assert.Equal(expected, Matches(key, op, value));
    }

    [Fact]
    public void ToString_FormatsAsKeyOperatorValues()
    {
        Assert.Equal("zone In [a, b]", new LabelRequirement("zone", SelectorOperator.In, ["a", "b"]).ToString());
        Assert.Equal("zone Exists", new LabelRequirement("zone", SelectorOperator.Exists, []).ToString());
    }
}
