using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Cli.Commands.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Cli.Tests;

/// <summary>
/// Client credentials: flags win over the environment, bad combinations are refused naming the flag, and a client sends
/// its token, trusts only the given CA and presents its certificate (against a real HTTPS server on 127.0.0.1).
/// </summary>
public sealed class ClientCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("berth-credentials-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_FlagAndEnvironment_FlagWins()
    {
        var credentials = ClientCredentials.Resolve("from-flag", null, null, null, Environment((ClientCredentials.TokenVariable, "from-env")));

        Assert.Equal("from-flag", credentials.Token);
    }

    [Fact]
    public void Resolve_OnlyEnvironment_ReadsEveryVariable()
    {
        var credentials = ClientCredentials.Resolve(null, null, null, null, Environment(
            (ClientCredentials.TokenVariable, " t0k3n\n"),
            (ClientCredentials.CaCertificateVariable, "ca.crt"),
            (ClientCredentials.ClientCertificateVariable, "me.crt"),
            (ClientCredentials.ClientKeyVariable, "me.key")));

        Assert.Equal(new ClientCredentials { Token = "t0k3n", CaCertificatePath = "ca.crt", ClientCertificatePath = "me.crt", ClientKeyPath = "me.key" }, credentials);
    }

    [Fact]
    public void Resolve_TokenWithSpace_IsRefusedNamingItsSource()
    {
        var e = Assert.Throws<ClientException>(() => ClientCredentials.Resolve(null, null, null, null, Environment((ClientCredentials.TokenVariable, "two words"))));

        Assert.Contains(ClientCredentials.TokenVariable, e.Message, StringComparison.Ordinal);
        Assert.Equal(Program.UsageError, e.ExitCode);
    }

    [Fact]
    public void Resolve_KeyWithoutCertificate_IsRefusedNamingTheFlag()
    {
        var e = Assert.Throws<ClientException>(() => ClientCredentials.Resolve(null, null, null, "me.key", Environment()));

        Assert.Contains("--client-key", e.Message, StringComparison.Ordinal);
        Assert.Contains("--client-cert", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateHandler_MissingCaFile_IsRefusedNamingTheFlagAndFile()
    {
        var credentials = new ClientCredentials { CaCertificatePath = Path.Combine(_directory.FullName, "absent.crt") };

        var e = Assert.Throws<ClientException>(() => credentials.CreateHandler());

        Assert.Contains("--ca-cert", e.Message, StringComparison.Ordinal);
        Assert.Contains("absent.crt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithCaTokenAndCertificate_IsTrustedAndSendsBoth()
    {
        using var ca = Authority("berth-test-ca");
        using var serverCertificate = Issue(ca, "127.0.0.1", serverName: true);
        using var clientCertificate = Issue(ca, "alice", serverName: false);
        var caPath = WritePem("ca.crt", ca.ExportCertificatePem());
        var certificatePath = WritePem("alice.crt", clientCertificate.ExportCertificatePem());
        var keyPath = WritePem("alice.key", clientCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var server = await EchoServer.StartAsync(serverCertificate);

        using var client = new BerthClient(server.Address, new ClientCredentials
        {
            Token = "secret-token",
            CaCertificatePath = caPath,
            ClientCertificatePath = certificatePath,
            ClientKeyPath = keyPath,
        });
        var answer = await client.GetAsync("echo");

        Assert.Equal("Bearer secret-token|CN=alice", answer);
    }

    [Fact]
    public async Task Client_WithAnotherCa_RefusesTheServer()
    {
        using var ca = Authority("berth-test-ca");
        using var stranger = Authority("someone-else");
        using var serverCertificate = Issue(ca, "127.0.0.1", serverName: true);
        var strangerPath = WritePem("stranger.crt", stranger.ExportCertificatePem());
        await using var server = await EchoServer.StartAsync(serverCertificate);

        using var client = new BerthClient(server.Address, new ClientCredentials { CaCertificatePath = strangerPath });
        var e = await Assert.ThrowsAsync<ClientException>(() => client.GetAsync("echo"));

        Assert.Equal(ClientMessages.Unreachable(server.Address), e.Message);
    }

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, bool serverName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverName ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverName)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(30), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Kestrel on Linux needs the key in an exportable, loadable form: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>An HTTPS server on 127.0.0.1 that answers the Authorization header and the client certificate's subject.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private EchoServer(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<EchoServer> StartAsync(X509Certificate2 certificate)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                // The test checks the client's side; any client certificate is shown back.
                https.ClientCertificateValidation = (_, _, _) => true;
            })));
            var app = builder.Build();
            app.MapGet("/echo", (HttpContext context) =>
                $"{context.Request.Headers.Authorization}|{context.Connection.ClientCertificate?.Subject}");
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new EchoServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
