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
    public void Server_EtcdNotAnswering_ExitsWithUsageErrorInOneLineNamingStore()
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-cli-" + Guid.NewGuid().ToString("N"));
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        silent.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var store = $"etcd://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndPoint!).Port}";

        var (code, _, error) = Run("server", "--store", store, "--listen", "127.0.0.1:0", "--data", data);

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith($"error: --store '{store}': etcd did not answer", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public void Server_NonLoopbackEtcd_ExitsWithUsageErrorAndSaysWhy()
    {
        var (code, _, error) = Run("server", "--store", "etcd://10.0.0.2:2379", "--listen", "127.0.0.1:0");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {ServerMessages.StoreNotLoopback("etcd://10.0.0.2:2379", "10.0.0.2:2379")}", error.Trim());
    }

    [Fact]
    public void Server_MalformedListen_ExitsWithUsageError()
    {
        var (code, _, error) = Run("server", "--listen", "127.0.0.1");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--listen '127.0.0.1' is not host:port", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_UnknownSchedulingProfile_ExitsWithUsageErrorNamingTheOption()
    {
        var (code, _, error) = Run("server", "--listen", "127.0.0.1:0", "--scheduling-profile", "fastest");

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(Commands.Server.ServerCommand.UnknownProfile("fastest"), error, StringComparison.Ordinal);
    }

    [Fact]
    public void PlacerFor_UsesTheNamedBuiltInProfile_ScoringAShareOfNodesAsTheDefaultPlacerDoes()
    {
        var placer = Commands.Server.ServerCommand.PlacerFor("gpu-fragmentation");

        Assert.Equal("gpu-fragmentation", placer.Profile.Name);
        Assert.Equal(Berth.Server.Placement.PlacerOptions.Default.Profile.PercentageOfNodesToScore, placer.Profile.PercentageOfNodesToScore);
        Assert.Same(Berth.Server.Placement.PlacerOptions.Default, Commands.Server.ServerCommand.PlacerFor(null));
    }

    [Fact]
    public void Root_HasServerAndSimulate()
    {
        var names = Program.CreateRootCommand().Subcommands.Select(c => c.Name).ToList();

        Assert.Contains("server", names);
        Assert.Contains("simulate", names);
    }

    [Fact]
    public void Server_ListenPortTaken_ExitsWithUsageErrorInOneLineNamingTheAddress()
    {
        using var taken = Occupy(out int port);
        var data = Path.Combine(Path.GetTempPath(), "berth-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = Run("server", "--listen", $"127.0.0.1:{port}", "--grpc-listen", "127.0.0.1:0", "--data", data);

            Assert.Equal(Program.UsageError, code);
            Assert.Equal($"error: {ServerMessages.ListenInUse($"127.0.0.1:{port}")}", error.Trim());
        }
        finally
        {
            DeleteQuietly(data);
        }
    }

    [Fact]
    public void Server_GrpcPortTaken_ExitsWithUsageErrorInOneLineNamingTheAddress()
    {
        using var taken = Occupy(out int port);
        var data = Path.Combine(Path.GetTempPath(), "berth-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = Run("server", "--listen", "127.0.0.1:0", "--grpc-listen", $"127.0.0.1:{port}", "--data", data);

            Assert.Equal(Program.UsageError, code);
            Assert.Equal($"error: {ServerMessages.GrpcListenInUse($"127.0.0.1:{port}")}", error.Trim());
        }
        finally
        {
            DeleteQuietly(data);
        }
    }

    // Another process's listener on a free loopback port, as a second server would hold it.
    private static System.Net.Sockets.Socket Occupy(out int port)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        socket.Listen();
        port = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    private static void DeleteQuietly(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
