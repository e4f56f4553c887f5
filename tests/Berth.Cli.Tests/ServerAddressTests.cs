using Berth.Cli.Commands.Client;

namespace Berth.Cli.Tests;

/// <summary>Address resolution: --server, then BERTH_ADDR, then the config file under a temporary HOME, then the default.</summary>
public sealed class ServerAddressTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("berth-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string ConfigPath => ServerAddress.ConfigPath(_home);

    private void WriteConfig(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, text);
    }

    private Func<string, string?> Environment(string? address) =>
        name => name switch
        {
            ServerAddress.EnvironmentVariable => address,
            "HOME" => _home,
            _ => null,
        };

    [Fact]
    public void Resolve_FlagEnvAndConfig_FlagWins()
    {
        WriteConfig("server: http://config:3\n");

        var uri = ServerAddress.Resolve("http://flag:1", Environment("http://env:2"), ConfigPath);

        Assert.Equal(new Uri("http://flag:1/"), uri);
    }

    [Fact]
    public void Resolve_EnvAndConfig_EnvWins()
    {
        WriteConfig("server: http://config:3\n");

        var uri = ServerAddress.Resolve(null, Environment("http://env:2"), ConfigPath);

        Assert.Equal(new Uri("http://env:2/"), uri);
    }

    [Fact]
    public void Resolve_ConfigOnly_UsesConfig()
    {
        WriteConfig("# mine\nserver: https://config:3\n");

        var uri = ServerAddress.Resolve(null, Environment(null), ConfigPath);

        Assert.Equal(new Uri("https://config:3/"), uri);
    }

    [Fact]
    public void Resolve_Nothing_UsesDefault()
    {
        var uri = ServerAddress.Resolve(null, Environment(""), ConfigPath);

        Assert.Equal(new Uri(ServerAddress.Default + "/"), uri);
    }

    [Fact]
    public void UserConfigPath_UsesHome()
    {
        Assert.Equal(ConfigPath, ServerAddress.UserConfigPath(Environment(null)));
    }

    [Theory]
    [InlineData("ftp://host:1")]
    [InlineData("file:///tmp/x")]
    [InlineData("127.0.0.1:7070")]
    [InlineData("not a url")]
    public void Resolve_NonHttpAddress_ThrowsUsageErrorNamingTheSource(string address)
    {
        var e = Assert.Throws<ClientException>(() => ServerAddress.Resolve(null, Environment(address), ConfigPath));

        Assert.Equal(Program.UsageError, e.ExitCode);
        Assert.Equal(ClientMessages.BadAddress(address, ServerAddress.EnvironmentVariable), e.Message);
    }

    [Fact]
    public void Resolve_ConfigNotAMapping_ThrowsUsageError()
    {
        WriteConfig("- a\n- b\n");

        var e = Assert.Throws<ClientException>(() => ServerAddress.Resolve(null, Environment(null), ConfigPath));

        Assert.Equal(Program.UsageError, e.ExitCode);
        Assert.Contains(ConfigPath, e.Message, StringComparison.Ordinal);
    }
}
