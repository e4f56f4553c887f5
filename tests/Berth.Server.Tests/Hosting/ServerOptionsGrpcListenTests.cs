using System.Net;
using Berth.Server.Hosting;

namespace Berth.Server.Tests.Hosting;

/// <summary><c>--grpc-listen</c>: derived from <c>--listen</c> when not given, loopback only, its own port.</summary>
public sealed class ServerOptionsGrpcListenTests
{
    [Theory]
    [InlineData("127.0.0.1:7070", "127.0.0.1:7071")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("[::1]:9000", "[::1]:9001")]
    public void GrpcListenEndPoint_NotGiven_IsThePortAfterListen(string listen, string expected)
    {
        var options = new ServerOptions { Listen = listen };

        Assert.Equal(IPEndPoint.Parse(expected), options.GrpcListenEndPoint());
    }

    [Fact]
    public void GrpcListenEndPoint_Default_IsTheDocumentedDefault()
    {
        Assert.Equal(IPEndPoint.Parse(ServerOptions.DefaultGrpcListen), new ServerOptions().GrpcListenEndPoint());
    }

    [Fact]
    public void Validate_NonLoopbackGrpcListen_NamesTheOption()
    {
        var options = new ServerOptions { GrpcListen = "0.0.0.0:7071" };

        var e = Assert.Throws<ServerOptionsException>(options.Validate);

        Assert.Equal(ServerMessages.NonLoopbackOfWithoutTls("--grpc-listen", "0.0.0.0:7071"), e.Message);
    }

    [Theory]
    [InlineData("7071")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    public void Validate_MalformedGrpcListen_NamesTheOption(string value)
    {
        var e = Assert.Throws<ServerOptionsException>(new ServerOptions { GrpcListen = value }.Validate);

        Assert.Equal(ServerMessages.BadListenOf("--grpc-listen", value, ServerOptions.DefaultGrpcListen), e.Message);
    }

    [Fact]
    public void Validate_GrpcListenOnTheRestPort_IsRefused()
    {
        var e = Assert.Throws<ServerOptionsException>(new ServerOptions { Listen = "127.0.0.1:7070", GrpcListen = "127.0.0.1:7070" }.Validate);

        Assert.Equal(ServerMessages.SameListenPorts("127.0.0.1:7070", "127.0.0.1:7070"), e.Message);
    }
}
