using System.Net;
using System.Net.Sockets;
using Berth.Agent;
using Berth.EndToEnd.Tests.Fixtures;
using Berth.Server.Hosting;

namespace Berth.EndToEnd.Tests;

/// <summary>What a person sees when <c>berth server</c> or <c>berth agent</c> cannot start: one line, exit code 2, no stack trace.</summary>
public sealed class StartupErrorTests
{
    [Fact(Timeout = 60_000)]
    public async Task Server_ListenPortTaken_PrintsOneLineAndExitsWith2()
    {
        using var taken = Occupy(out int port);
        var data = Directory.CreateTempSubdirectory("berth-e2e-taken-").FullName;
        try
        {
            var (code, output) = await BerthProcess.RunAsync(["server", "--listen", $"127.0.0.1:{port}", "--grpc-listen", "127.0.0.1:0", "--data", data]);

            Assert.Equal(2, code);
            Assert.Equal($"error: {ServerMessages.ListenInUse($"127.0.0.1:{port}")}", output.Trim());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Server_GrpcPortTaken_PrintsOneLineAndExitsWith2()
    {
        using var taken = Occupy(out int port);
        var data = Directory.CreateTempSubdirectory("berth-e2e-taken-").FullName;
        try
        {
            var (code, output) = await BerthProcess.RunAsync(["server", "--listen", "127.0.0.1:0", "--grpc-listen", $"127.0.0.1:{port}", "--data", data]);

            Assert.Equal(2, code);
            Assert.Equal($"error: {ServerMessages.GrpcListenInUse($"127.0.0.1:{port}")}", output.Trim());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Agent_ServerUnreachable_PrintsOneLineAndExitsWith2()
    {
        int port;
        using (Occupy(out port))
        {
            // Closed again at once: nothing listens on this port now.
        }
        var server = $"http://127.0.0.1:{port}/";

        var (code, output) = await BerthProcess.RunAsync(["agent", "--server", server, "--name", "lonely", "--capacity", "cpu=1,memory=1Gi"]);

        Assert.Equal(2, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach the berth server at {server} (", line, StringComparison.Ordinal);
        var message = AgentMessages.ServerUnreachable(server, "");
        Assert.EndsWith(message[(message.IndexOf("()", StringComparison.Ordinal) + 2)..], line.TrimEnd(), StringComparison.Ordinal);
    }

    private static Socket Occupy(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }
}
