using Berth.Server.Hosting;
using Berth.Server.Security;

namespace Berth.Server.Tests.Hosting;

/// <summary>Non-loopback addresses need TLS or <c>--insecure</c>; node certificate lifetimes are bounded.</summary>
public sealed class ServerOptionsTlsTests
{
    [Theory]
    [InlineData("listen", "0.0.0.0:7070", null, null)]
    [InlineData("grpc-listen", "127.0.0.1:7070", "0.0.0.0:7071", null)]
    [InlineData("store", "127.0.0.1:7070", null, "etcd://10.0.0.2:2379")]
    public void Validate_NonLoopbackWithoutTls_IsRefusedUnlessInsecure(string _, string listen, string? grpcListen, string? store)
    {
        var options = new ServerOptions { Listen = listen, GrpcListen = grpcListen, Store = store };

        var refused = Assert.Throws<ServerOptionsException>(options.Validate);
        var insecure = Record.Exception((options with { Insecure = true }).Validate);
        var tls = Record.Exception((options with { TlsDirectory = "/etc/berth/tls" }).Validate);

        Assert.Contains("--insecure", refused.Message, StringComparison.Ordinal);
        Assert.Null(insecure);
        Assert.Null(tls);
    }

    [Fact]
    public void TlsConfigured_FollowsTheTlsDirectory()
    {
        Assert.False(new ServerOptions().TlsConfigured);
        Assert.True(new ServerOptions { TlsDirectory = "tls" }.TlsConfigured);
    }

    [Fact]
    public void Validate_NodeCertificateTtlBelowTheFloor_IsRefusedNamingTheOption()
    {
        var options = new ServerOptions { NodeCertificateTtl = TimeSpan.FromMinutes(1) };

        var e = Assert.Throws<ServerOptionsException>(options.Validate);
        var lowered = Record.Exception((options with { NodeCertificateTtlFloor = TimeSpan.FromSeconds(1) }).Validate);

        Assert.Equal(TlsMessages.BadNodeCertificateTtl(TimeSpan.FromMinutes(1), ServerOptions.MinimumNodeCertificateTtl), e.Message);
        Assert.Null(lowered);
    }

    [Fact]
    public async Task Start_TlsDirectoryWithoutFiles_IsRefusedNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("berth-notls-").FullName;
        try
        {
            var e = await Assert.ThrowsAsync<ServerOptionsException>(() => ServerHost.StartAsync(
                new ServerOptions { Listen = "127.0.0.1:0", DataDirectory = Path.Combine(dir, "data"), TlsDirectory = dir }));

            Assert.Equal(TlsMessages.TlsFileMissing(dir, TlsFiles.CaCertificate), e.Message);
            Assert.False(Directory.Exists(Path.Combine(dir, "data")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
