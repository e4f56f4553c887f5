namespace Berth.Cli.Tests;

/// <summary><c>berth server --log-format</c>: only the known formats are taken, before anything starts.</summary>
public sealed class ServerLogFormatTests
{
    [Fact]
    public void Server_UnknownLogFormat_ExitsWithUsageErrorNamingValueAndFormats()
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-cli-" + Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = Program.Run(["server", "--log-format", "xml", "--listen", "127.0.0.1:0", "--data", data], output, error);

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("'xml'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("'json'", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
