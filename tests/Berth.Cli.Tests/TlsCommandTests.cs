using System.Security.Cryptography.X509Certificates;
using Berth.Server.Security;

namespace Berth.Cli.Tests;

/// <summary><c>berth tls init</c> end to end: the files it writes validate (chain, names, key permissions) and are not overwritten.</summary>
public sealed class TlsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-tls-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void TlsInit_NewDirectory_WritesFilesThatValidate()
    {
        var tls = Path.Combine(_dir, "tls");

        var (code, output, error) = Run("tls", "init", "--dir", tls, "--hosts", "berth.example.com,192.0.2.7", "--days", "30");

        Assert.Equal((0, ""), (code, error));
        foreach (var file in TlsFiles.All)
        {
            Assert.Contains($"wrote {Path.Combine(tls, file)}", output, StringComparison.Ordinal);
        }
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tls, "ca.crt"));
        using var server = X509Certificate2.CreateFromPemFile(Path.Combine(tls, "server.crt"), Path.Combine(tls, "server.key"));
        Assert.True(CertificateTrust.IsIssuedBy(server, ca));
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("berth.example.com", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Parse("192.0.2.7"), names.EnumerateIPAddresses());
        Assert.InRange(server.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "server.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "ca.key")));
        }
    }

    [Fact]
    public void TlsInit_Twice_SecondExitsWithUsageErrorAndKeepsTheFiles()
    {
        var tls = Path.Combine(_dir, "tls");
        Run("tls", "init", "--dir", tls);
        var key = File.ReadAllText(Path.Combine(tls, "ca.key"));

        var (code, _, error) = Run("tls", "init", "--dir", tls);

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {TlsMessages.TlsFilesExist(tls, TlsFiles.All)}", error.Trim());
        Assert.Equal(key, File.ReadAllText(Path.Combine(tls, "ca.key")));
    }
}
