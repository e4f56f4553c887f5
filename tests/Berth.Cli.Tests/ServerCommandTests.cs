using Berth.Server.Hosting;

namespace Berth.Cli.Tests;

public sealed class ServerCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Server_NonLoopbackListen_ExitsWithUsageErrorAndSaysWhy()
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-cli-" + Guid.NewGuid().ToString("N"));

        var (code, _, error) = Run("server", "--listen", "0.0.0.0:7070", "--data", data);

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {ServerMessages.NonLoopbackWithoutTls("0.0.0.0:7070")}", error.Trim());
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public void Server_MalformedListen_ExitsWithUsageError()
    {
        var (code, _, error) = Run("server", "--listen", "127.0.0.1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--listen '127.0.0.1' is not host:port", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_HasServerAndSimulate()
    {
        var names = Program.CreateRootCommand().Subcommands.Select(c => c.Name).ToList();

        Assert.Contains("server", names);
        Assert.Contains("simulate", names);
    }
}
