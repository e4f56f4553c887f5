using System.Net;
using System.Security.Cryptography.X509Certificates;
using Berth.Server.Security;

namespace Berth.Server.Tests.Security;

/// <summary><c>berth tls init</c>'s files: a CA, a server and an admin certificate that chain to it, keys readable by the owner only.</summary>
public sealed class TlsInitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-tlsinit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_NewDirectory_WritesCaServerAndAdminThatChainToTheCa()
    {
        var tls = Path.Combine(_dir, "tls");

        var written = TlsInit.Run(new TlsInitOptions { Directory = tls, Hosts = ["berth.example.com", "10.0.0.5"], ServerId = "box" }, DateTimeOffset.UtcNow);

        Assert.Equal(TlsFiles.All.Select(f => Path.Combine(tls, f)), written);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, TlsFiles.CaCertificate));
        using var server = X509Certificate2.CreateFromPemFile(Path.Combine(tls, TlsFiles.ServerCertificate), Path.Combine(tls, TlsFiles.ServerKey));
        using var admin = X509Certificate2.CreateFromPemFile(Path.Combine(tls, TlsFiles.AdminCertificate), Path.Combine(tls, TlsFiles.AdminKey));
        Assert.True(CertificateTrust.IsIssuedBy(server, ca));
        Assert.True(CertificateTrust.IsIssuedBy(admin, ca));
        Assert.True(server.HasPrivateKey && admin.HasPrivateKey);
        Assert.Equal(("system:server:box", "system:servers"), (CertificateNames.CommonName(server), CertificateNames.Organizations(server).Single()));
        Assert.Equal(("admin", "system:masters"), (CertificateNames.CommonName(admin), CertificateNames.Organizations(admin).Single()));
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Superset(new HashSet<string> { "localhost", "berth.example.com" }, names.EnumerateDnsNames().ToHashSet());
        Assert.Superset(new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.5") }, names.EnumerateIPAddresses().ToHashSet());
        var usages = server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToHashSet();
        Assert.Equal(new HashSet<string?> { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }, usages);
    }

    [Fact]
    public void Run_KeyFiles_AreReadableByTheOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var tls = Path.Combine(_dir, "tls");

        TlsInit.Run(new TlsInitOptions { Directory = tls }, DateTimeOffset.UtcNow);

        foreach (var key in new[] { TlsFiles.CaKey, TlsFiles.ServerKey, TlsFiles.AdminKey })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, key)));
        }
    }

    [Fact]
    public void Run_FilesExist_RefusesAndWritesNothingUnlessForced()
    {
        var tls = Path.Combine(_dir, "tls");
        TlsInit.Run(new TlsInitOptions { Directory = tls }, DateTimeOffset.UtcNow);
        var before = File.ReadAllText(Path.Combine(tls, TlsFiles.CaCertificate));

        var e = Assert.Throws<ArgumentException>(() => TlsInit.Run(new TlsInitOptions { Directory = tls }, DateTimeOffset.UtcNow));
        var unchanged = File.ReadAllText(Path.Combine(tls, TlsFiles.CaCertificate));
        TlsInit.Run(new TlsInitOptions { Directory = tls, Force = true }, DateTimeOffset.UtcNow);

        Assert.Equal(TlsMessages.TlsFilesExist(tls, TlsFiles.All), e.Message);
        Assert.Equal(before, unchanged);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(tls, TlsFiles.CaCertificate)));
    }

    [Theory]
    [InlineData("bad host", "not_a_name!")]
    [InlineData("days zero", null)]
    public void Run_BadOption_RefusesWithNothingWritten(string _, string? host)
    {
        var tls = Path.Combine(_dir, "tls");
        var options = host is null
            ? new TlsInitOptions { Directory = tls, Days = 0 }
            : new TlsInitOptions { Directory = tls, Hosts = [host] };

        var e = Assert.Throws<ArgumentException>(() => TlsInit.Run(options, DateTimeOffset.UtcNow));

        Assert.Contains(host is null ? "--days 0" : "--hosts entry 'not_a_name!'", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tls));
    }
}
