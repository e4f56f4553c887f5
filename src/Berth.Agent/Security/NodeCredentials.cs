using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Berth.Agent.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Security;

/// <summary>
/// The agent's node certificate: loaded from <see cref="AgentOptions.CertificateDirectory"/> while still valid, or got by
/// joining with <see cref="AgentOptions.BootstrapToken"/>, then renewed when two thirds of its lifetime have passed.
/// The key is made here and never leaves the agent (the server sees a signing request). Handlers made by
/// <see cref="CreateHandler"/> pick the current certificate for each new connection, so a renewal needs no restart.
/// </summary>
public sealed class NodeCredentials : IDisposable
{
    /// <summary>The certificate file in <see cref="AgentOptions.CertificateDirectory"/>.</summary>
    public const string CertificateFile = "node.crt";

    /// <summary>The key file in <see cref="AgentOptions.CertificateDirectory"/> (0600).</summary>
    public const string KeyFile = "node.key";

    private const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly AgentOptions _options;
    private readonly X509Certificate2 _authority;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private X509Certificate2? _current;
    private int _renewals;

    private NodeCredentials(AgentOptions options, X509Certificate2 authority, TimeProvider time, ILogger logger)
    {
        _options = options;
        _authority = authority;
        _time = time;
        _logger = logger;
    }

    /// <summary>The certificate (with its key) presented on new connections; null before <see cref="InitializeAsync"/>.</summary>
    public X509Certificate2? Current => Volatile.Read(ref _current);

    /// <summary>How many times the certificate was renewed.</summary>
    public int Renewals => Volatile.Read(ref _renewals);

    /// <summary>The credentials of <paramref name="options"/>; null when it has no <see cref="AgentOptions.CaCertificatePath"/> (no TLS).</summary>
    /// <exception cref="ArgumentException">The CA file cannot be read; the message names <c>--ca-cert</c>.</exception>
    public static NodeCredentials? For(AgentOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CaCertificatePath is not { } path)
        {
            return null;
        }
        X509Certificate2 authority;
        try
        {
            authority = X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException(CredentialMessages.CaCertificateUnreadable(path, e.Message), e);
        }
        return new NodeCredentials(options, authority, time ?? TimeProvider.System, (loggers ?? NullLoggerFactory.Instance).CreateLogger<NodeCredentials>());
    }

    /// <summary>
    /// An HTTP handler that trusts only the cluster's CA and presents <see cref="Current"/>, read when each connection is
    /// made (a renewed certificate goes out on the next connection).
    /// </summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = TimeSpan.FromSeconds(5) };
        handler.SslOptions.RemoteCertificateValidationCallback = ValidateServer;
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => Current!;
        return handler;
    }

    /// <summary>
    /// Makes <see cref="Current"/> usable: a still-valid certificate of this node from the certificate directory, or a new
    /// one by joining one of the servers with the bootstrap token.
    /// </summary>
    /// <exception cref="InvalidOperationException">No valid certificate and no token, or every server refused or failed the join; the message says why.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (LoadSaved() is { } saved)
        {
            Volatile.Write(ref _current, saved);
            CredentialLog.Reused(_logger, _options.NodeName, _options.CertificateDirectory!, saved.NotAfter.ToUniversalTime());
            return;
        }
        if (_options.BootstrapToken is not { } token)
        {
            throw new InvalidOperationException(CredentialMessages.NoCertificateNoToken(_options.NodeName, _options.CertificateDirectory));
        }
        var problems = new List<string>();
        foreach (var server in _options.Servers)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var body = new WireNodeJoin(token, _options.NodeName, SigningRequest(key));
            try
            {
                using var http = new HttpClient(CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) };
                var answer = await PostAsync(http, new Uri(server, "v1/nodes/join"), JsonContent.Create(body, AgentJsonContext.Default.WireNodeJoin), cancellationToken).ConfigureAwait(false);
                var certificate = Accept(server, answer, key);
                Volatile.Write(ref _current, certificate);
                CredentialLog.Joined(_logger, _options.NodeName, server.ToString(), certificate.NotAfter.ToUniversalTime(), RenewAt(certificate));
                return;
            }
            catch (JoinRefusedException e)
            {
                // A refusal (used or expired token, bad name) will not change on another server of the same cluster.
                throw new InvalidOperationException(e.Message, e);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add(_options.Servers.Count == 1 ? e.Message : $"{server}: {e.Message}");
            }
        }
        throw new InvalidOperationException(CredentialMessages.JoinFailed(string.Join(",", _options.Servers), string.Join("; ", problems)));
    }

    /// <summary>When the current certificate is due for renewal: two thirds into its lifetime.</summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notBefore + (notAfter - notBefore) * 2 / 3;
    }

    /// <summary>
    /// Renews the certificate whenever it is due, until <paramref name="cancellationToken"/>; <paramref name="server"/>
    /// gives the server to ask (the one the agent uses now). A failed renewal is retried while the old certificate lasts.
    /// </summary>
    public async Task RenewLoopAsync(Func<Uri> server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var current = Current ?? throw new InvalidOperationException("credentials not initialized");
                var wait = RenewAt(current) - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                try
                {
                    await RenewAsync(server(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JoinRefusedException && !cancellationToken.IsCancellationRequested)
                {
                    // A tenth of what is left, between 1 s and 1 min: quick retries near the end, calm ones early.
                    var left = new DateTimeOffset(current.NotAfter.ToUniversalTime()) - _time.GetUtcNow();
                    var retry = TimeSpan.FromTicks(Math.Clamp(left.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
                    CredentialLog.RenewalFailed(_logger, _options.NodeName, e.Message, retry.TotalSeconds, current.NotAfter.ToUniversalTime());
                    await Task.Delay(retry, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Renews now: a new key, a signing request to <paramref name="server"/> over a connection presenting the current certificate.</summary>
    /// <exception cref="HttpRequestException">The server could not be reached or refused.</exception>
    public async Task RenewAsync(Uri server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = new WireCertificateRequest(SigningRequest(key));
        // A client of its own: a new connection, so the current certificate is the one presented.
        using var http = new HttpClient(CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        var answer = await PostAsync(http, new Uri(server, $"v1/nodes/{_options.NodeName}/certificate"),
            JsonContent.Create(body, AgentJsonContext.Default.WireCertificateRequest), cancellationToken).ConfigureAwait(false);
        var certificate = Accept(server, answer, key);
        var previous = Interlocked.Exchange(ref _current, certificate);
        Interlocked.Increment(ref _renewals);
        CredentialLog.Renewed(_logger, _options.NodeName, certificate.NotAfter.ToUniversalTime(), RenewAt(certificate));
        // The previous certificate is not disposed: a connection being set up may still hold it.
        GC.KeepAlive(previous);
    }

    /// <summary>Releases the CA certificate.</summary>
    public void Dispose() => _authority.Dispose();

    private string SigningRequest(ECDsa key)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("system:node:" + _options.NodeName);
        return new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    private static async Task<WireNodeCertificate> PostAsync(HttpClient http, Uri url, HttpContent content, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string message;
            try
            {
                message = (await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireError, cancellationToken).ConfigureAwait(false))?.Error ?? "";
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                message = response.ReasonPhrase ?? "";
            }
            throw new JoinRefusedException(CredentialMessages.JoinRefused(url.GetLeftPart(UriPartial.Authority), (int)response.StatusCode, message));
        }
        try
        {
            return await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.WireNodeCertificate, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("empty body");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new HttpRequestException(CredentialMessages.BadCertificateAnswer(url.GetLeftPart(UriPartial.Authority), e.Message), e);
        }
    }

    private X509Certificate2 Accept(Uri server, WireNodeCertificate answer, ECDsa key)
    {
        X509Certificate2 withKey;
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(answer.Certificate);
            using var paired = certificate.CopyWithPrivateKey(key);
            // A PKCS#12 round trip turns the in-memory key into one every TLS stack accepts.
            withKey = X509CertificateLoader.LoadPkcs12(paired.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new HttpRequestException(CredentialMessages.BadCertificateAnswer(server.ToString(), e.Message), e);
        }
        var commonName = withKey.GetNameInfo(X509NameType.SimpleName, false);
        if (!string.Equals(commonName, "system:node:" + _options.NodeName, StringComparison.Ordinal))
        {
            withKey.Dispose();
            throw new HttpRequestException(CredentialMessages.CertificateForOtherNode(_options.NodeName, commonName));
        }
        Save(withKey, key);
        return withKey;
    }

    private void Save(X509Certificate2 certificate, ECDsa key)
    {
        if (_options.CertificateDirectory is not { } directory)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(directory);
            // Key first and each file replaced whole, so a crash never leaves a certificate beside another key.
            Replace(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem() + "\n", KeyMode);
            Replace(Path.Combine(directory, CertificateFile), certificate.ExportCertificatePem() + "\n", KeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(CredentialMessages.CertificateDirectoryUnwritable(directory, e.Message), e);
        }
    }

    private static void Replace(string path, string text, UnixFileMode mode)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private X509Certificate2? LoadSaved()
    {
        if (_options.CertificateDirectory is not { } directory)
        {
            return null;
        }
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            var certificate = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
            bool usable = string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, false), "system:node:" + _options.NodeName, StringComparison.Ordinal)
                && IssuedByAuthority(certificate)
                && certificate.NotAfter.ToUniversalTime() > _time.GetUtcNow().UtcDateTime;
            if (!usable)
            {
                certificate.Dispose();
                return null;
            }
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // An unreadable or mismatched pair is as good as none: the agent joins again when it has a token.
            return null;
        }
    }

    private bool IssuedByAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        // The cluster's CA publishes no revocation lists: its node certificates are short-lived instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return IssuedByAuthority(presented);
    }

    // A join or renewal the server answered with an error: retrying elsewhere would get the same answer.
    private sealed class JoinRefusedException(string message) : Exception(message);
}
