namespace Berth.Agent.Tests;

/// <summary><see cref="AgentOptions.ParseServers"/> and the server list in <see cref="AgentOptions.Validate"/>.</summary>
public sealed class AgentOptionsServersTests
{
    [Fact]
    public void ParseServers_TwoUrlsWithSpaces_KeepsTheirOrder()
    {
        var servers = AgentOptions.ParseServers(" http://10.0.0.2:7070 , http://10.0.0.1:7070/", "--server");

        Assert.Equal([new Uri("http://10.0.0.2:7070/"), new Uri("http://10.0.0.1:7070/")], servers);
    }

    [Theory]
    [InlineData("empty entry", "http://a:1,,http://b:1", "--server 'http://a:1,,http://b:1' has an empty entry")]
    [InlineData("trailing comma", "http://a:1,", "--server 'http://a:1,' has an empty entry")]
    [InlineData("nothing", " ", "--server needs at least one server URL")]
    [InlineData("not a URL", "http://a:1,b:1", "--server entry 'b:1' is not an http:// or https:// URL")]
    [InlineData("relative", "http://a:1,/x", "--server entry '/x' is not an http:// or https:// URL")]
    [InlineData("twice", "http://a:1,http://a:1/", "--server lists 'http://a:1/' more than once")]
    public void ParseServers_BadList_ThrowsNamingTheOption(string name, string text, string expected)
    {
        _ = name;
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.ParseServers(text, "--server"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseServers_FromEnvironment_NamesTheVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentOptions.ParseServers("ftp://a", "BERTH_ADDR"));
        Assert.StartsWith("BERTH_ADDR entry 'ftp://a' is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoServers_SaysSo()
    {
        var options = new AgentOptions { NodeName = "n1" };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("--server needs at least one server URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_Set_IsTheOnlyServer()
    {
        var options = new AgentOptions { Server = new Uri("http://a:1/"), NodeName = "n1" };

        Assert.Equal([new Uri("http://a:1/")], options.Servers);
        Assert.Equal(new Uri("http://a:1/"), options.Server);
    }
}
