namespace Berth.Agent.Tests;

public sealed class AgentOptionsStopGraceTests
{
    private static AgentOptions Options() => new() { Servers = [new Uri("http://127.0.0.1:1")], NodeName = "n1" };

    [Fact]
    public void StopGrace_DefaultsToTenSeconds_AndZeroIsValid()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Options().StopGrace);
        (Options() with { StopGrace = TimeSpan.Zero }).Validate();
    }

    [Fact]
    public void Validate_NegativeStopGrace_NamesTheOption()
    {
        var e = Assert.Throws<ArgumentException>(() => (Options() with { StopGrace = TimeSpan.FromSeconds(-1) }).Validate());

        Assert.StartsWith("--stop-grace must be zero or more", e.Message, StringComparison.Ordinal);
    }
}
