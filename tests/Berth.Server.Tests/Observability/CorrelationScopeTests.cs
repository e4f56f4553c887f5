using Berth.Server.Observability;

namespace Berth.Server.Tests.Observability;

/// <summary>Which incoming correlation ids are echoed and logged as they are.</summary>
public sealed class CorrelationScopeTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)]
    [InlineData("req_1.2:3", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("two words", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("{\"forged\":1}", false)]
    public void IsUsable_Id_AcceptsOnlyPlainTokens(string? id, bool usable) => Assert.Equal(usable, CorrelationScope.IsUsable(id));

    [Fact]
    public void IsUsable_LongerThanMax_IsRefused()
    {
        Assert.True(CorrelationScope.IsUsable(new string('a', CorrelationScope.MaxLength)));
        Assert.False(CorrelationScope.IsUsable(new string('a', CorrelationScope.MaxLength + 1)));
    }

    [Fact]
    public void NewId_TwoCalls_GiveDistinctHexIds()
    {
        string first = CorrelationScope.NewId();

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.NotEqual(first, CorrelationScope.NewId());
    }
}
