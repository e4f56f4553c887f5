using Berth.Server.Fleet.Hierarchy;

namespace Berth.Cli.Tests;

public sealed class ServerRegionOptionsTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, error.ToString().Trim());
    }

    [Fact]
    public void Server_ParentWithoutRegion_ExitsWithUsageErrorNamingBoth()
    {
        var (code, error) = Run("server", "--listen", "127.0.0.1:0", "--parent", "http://127.0.0.1:7070");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {RegionMessages.ParentWithoutRegion}", error);
    }

    [Fact]
    public void Server_RegionNotADnsLabel_ExitsWithUsageErrorNamingTheValue()
    {
        var (code, error) = Run("server", "--listen", "127.0.0.1:0", "--region", "EU_West");

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: --region 'EU_West':", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7070")]
    [InlineData("ftp://127.0.0.1:7070")]
    [InlineData("https://127.0.0.1:7070")] // https needs --tls-dir: without it there is no CA to trust the parent with
    public void Server_ParentNotAnHttpUrl_ExitsWithUsageError(string parent)
    {
        var (code, error) = Run("server", "--listen", "127.0.0.1:0", "--region", "eu-west", "--parent", parent);

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {RegionMessages.BadParent(parent)}", error);
    }

    [Fact]
    public void Server_ParentOffThisMachine_ExitsWithUsageError()
    {
        var (code, error) = Run("server", "--listen", "127.0.0.1:0", "--region", "eu-west", "--parent", "http://10.0.0.2:7070");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {RegionMessages.ParentNotLoopback("http://10.0.0.2:7070")}", error);
    }
}
