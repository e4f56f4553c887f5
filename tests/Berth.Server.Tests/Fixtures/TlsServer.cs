using System.Security.Cryptography.X509Certificates;
using Berth.Protocol.Agent.V1;
using Berth.Server.Hosting;
using Berth.Server.Security;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// A <see cref="ServerHost"/> with <c>--tls-dir</c> on 127.0.0.1 (free ports), its TLS files from <see cref="TlsInit"/>
/// in a temporary directory, and clients that trust its CA and present a chosen certificate.
/// </summary>
internal sealed class TlsServer : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];

    private TlsServer(ServerHost host, string directory, CertificateAuthority authority)
    {
        Host = host;
        Directory = directory;
        Authority = authority;
    }

    /// <summary>The running server.</summary>
    public ServerHost Host { get; }

    /// <summary>The temporary directory: TLS files under <c>tls</c>, the store under <c>data</c>.</summary>
    public string Directory { get; }

    /// <summary>The TLS files' directory.</summary>
    public string TlsDirectory => Path.Combine(Directory, "tls");

    /// <summary>The server's CA (with its key, so tests can issue certificates of their own).</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>Starts a server; <paramref name="configure"/> adjusts the options (listen, data and TLS directory are already set).</summary>
    public static async Task<TlsServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("berth-tls-").FullName;
        var tls = Path.Combine(directory, "tls");
        TlsInit.Run(new TlsInitOptions { Directory = tls }, DateTimeOffset.UtcNow);
        var options = new ServerOptions
        {
            Listen = "127.0.0.1:0",
            DataDirectory = Path.Combine(directory, "data"),
            TlsDirectory = tls,
            LoopInterval = TimeSpan.FromMilliseconds(200),
        };
        var host = await ServerHost.StartAsync(configure is null ? options : configure(options), logging => logging.ClearProviders());
        var authority = CertificateAuthority.Load(Path.Combine(tls, TlsFiles.CaCertificate), Path.Combine(tls, TlsFiles.CaKey));
        return new TlsServer(host, directory, authority);
    }

    /// <summary>The admin client certificate <c>berth tls init</c> wrote (CN admin, O system:masters).</summary>
    public X509Certificate2 AdminCertificate()
    {
        using var loaded = X509Certificate2.CreateFromPemFile(Path.Combine(TlsDirectory, TlsFiles.AdminCertificate), Path.Combine(TlsDirectory, TlsFiles.AdminKey));
        return Own(X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>An HTTP client presenting the admin certificate: authorized for everything under RBAC, which TLS turns on.</summary>
    public HttpClient AdminHttp() => Http(AdminCertificate());

    /// <summary>A node certificate (CN system:node:{node}, O system:nodes) signed by the server's CA.</summary>
    public X509Certificate2 NodeCertificate(string node, TimeSpan? lifetime = null) =>
        Own(Authority.IssueWithKey(CertificateNames.Subject(CertificateNames.NodePrefix + node, CallerIdentity.NodesGroup), lifetime ?? TimeSpan.FromHours(1), DateTimeOffset.UtcNow));

    /// <summary>An HTTP client that trusts the CA and presents <paramref name="certificate"/> (none when null).</summary>
    public HttpClient Http(X509Certificate2? certificate = null) => Own(new HttpClient(Handler(certificate)) { BaseAddress = Host.Address, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>An agent-protocol client over the gRPC port that trusts the CA and presents <paramref name="certificate"/> (none when null).</summary>
    public AgentService.AgentServiceClient Agent(X509Certificate2? certificate = null) =>
        new(Own(GrpcChannel.ForAddress(Host.GrpcAddress, new GrpcChannelOptions { HttpHandler = Handler(certificate), DisposeHttpClient = true })));

    /// <summary>Stops the server and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        await Host.DisposeAsync();
        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private SocketsHttpHandler Handler(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.ServerValidator(Authority.Certificate);
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }
        return handler;
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
