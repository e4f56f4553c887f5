using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Security;

/// <summary>Bootstrap tokens, node joins and renewals over REST on a real server with <c>--tls-dir</c>.</summary>
public sealed class NodeJoinTests : TlsServerTests
{
    [Fact]
    public async Task Join_FreshToken_IssuesShortLivedNodeCertificateFromTheCa()
    {
        var token = await CreateTokenAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var response = await JoinAsync(token, "node-a", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = (await response.Content.ReadFromJsonAsync<NodeCertificateIssued>())!;
        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate);
        Assert.Equal("system:node:node-a", CertificateNames.CommonName(certificate));
        Assert.Equal(["system:nodes"], CertificateNames.Organizations(certificate));
        Assert.True(CertificateTrust.IsIssuedBy(certificate, Server.Authority.Certificate));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.InRange(certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.Equal(Server.Authority.Certificate.ExportCertificatePem(), issued.CaCertificate.Trim());
    }

    [Fact]
    public async Task Join_TokenUsedTwice_SecondIsRefusedSayingItWasUsed()
    {
        var token = await CreateTokenAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var first = await JoinAsync(token, "node-a", key);

        using var second = await JoinAsync(token, "node-b", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        var error = await ErrorAsync(second);
        Assert.StartsWith($"bootstrap token '{token[..6]}.…' was already used (by node 'node-a' at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_ExpiredToken_IsRefusedSayingItExpired()
    {
        // Created two hours ago with a one-hour lifetime, by a clock of its own over the server's store.
        var past = new ManualTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(2));
        var (token, record) = await new BootstrapTokens(Server.Host.Store, past).CreateAsync(TimeSpan.FromHours(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var response = await JoinAsync(token, "node-a", key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(TlsMessages.TokenExpired(record.Id, record.ExpiresAt), await ErrorAsync(response));
    }

    [Fact]
    public async Task Join_UnknownOrWrongSecret_IsRefusedAsUnknown()
    {
        var token = await CreateTokenAsync();
        var wrongSecret = token[..7] + new string('x', 16);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var wrong = await JoinAsync(wrongSecret, "node-a", key);
        using var unknown = await JoinAsync("zzzzzz.0123456789abcdef", "node-a", key);
        using var malformed = await JoinAsync("nonsense", "node-a", key);

        Assert.Equal((HttpStatusCode.Unauthorized, TlsMessages.TokenUnknown(token[..6])), (wrong.StatusCode, await ErrorAsync(wrong)));
        Assert.Equal((HttpStatusCode.Unauthorized, TlsMessages.TokenUnknown("zzzzzz")), (unknown.StatusCode, await ErrorAsync(unknown)));
        Assert.Equal((HttpStatusCode.Unauthorized, TlsMessages.TokenMalformed), (malformed.StatusCode, await ErrorAsync(malformed)));
    }

    [Fact]
    public async Task Join_BadSigningRequest_IsRefusedAndLeavesTheTokenUnused()
    {
        var token = await CreateTokenAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var bad = await Server.Http().PostAsJsonAsync("v1/nodes/join", new NodeJoinRequest(token, "node-a", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"));
        using var good = await JoinAsync(token, "node-a", key);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("csr: not a PEM PKCS#10 certificate signing request", await ErrorAsync(bad), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task CreateToken_NoCredentialOrNodeCertificate_IsRefused()
    {
        using var anonymous = await Server.Http().PostAsJsonAsync("v1/bootstraptokens", new BootstrapTokenRequest(600));
        using var node = await Server.Http(Server.NodeCertificate("node-a")).PostAsJsonAsync("v1/bootstraptokens", new BootstrapTokenRequest(600));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, node.StatusCode);
    }

    [Fact]
    public async Task CreateToken_StoresOnlyTheHash()
    {
        var token = await CreateTokenAsync();

        var stored = await Server.Host.Store.GetAsync(BootstrapTokens.Prefix + token[..6]);

        var text = Encoding.UTF8.GetString(stored!.Value.Span);
        Assert.DoesNotContain(token[7..], text, StringComparison.Ordinal);
        Assert.Contains(SecretHash.Of(token), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_OwnCertificate_IssuesANewOneAndAnotherNodesIsForbidden()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var asA = Server.Http(Server.NodeCertificate("node-a"));

        using var own = await asA.PostAsJsonAsync("v1/nodes/node-a/certificate", new NodeCertificateRequest(SigningRequest(key)));
        using var other = await asA.PostAsJsonAsync("v1/nodes/node-b/certificate", new NodeCertificateRequest(SigningRequest(key)));
        using var none = await Server.Http().PostAsJsonAsync("v1/nodes/node-a/certificate", new NodeCertificateRequest(SigningRequest(key)));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var renewed = X509Certificate2.CreateFromPem((await own.Content.ReadFromJsonAsync<NodeCertificateIssued>())!.Certificate);
        Assert.Equal("system:node:node-a", CertificateNames.CommonName(renewed));
        Assert.Equal((HttpStatusCode.Forbidden, TlsMessages.RenewalForOtherNode("system:node:node-a", "node-b")), (other.StatusCode, await ErrorAsync(other)));
        Assert.Equal((HttpStatusCode.Unauthorized, TlsMessages.RenewalNeedsCertificate("node-a")), (none.StatusCode, await ErrorAsync(none)));
    }

    [Fact]
    public async Task Https_CertificateFromAnotherCa_IsRefusedAtTheHandshake()
    {
        using var stranger = CertificateAuthority.Create("stranger", TimeSpan.FromDays(1), DateTimeOffset.UtcNow);
        using var foreign = stranger.IssueWithKey(CertificateNames.Subject("system:node:node-a", CallerIdentity.NodesGroup), TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<HttpRequestException>(() => Server.Http(foreign).GetAsync("v1/info"));
    }

    private async Task<string> CreateTokenAsync()
    {
        using var response = await Server.AdminHttp().PostAsJsonAsync("v1/bootstraptokens", new BootstrapTokenRequest(600));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BootstrapTokenCreated>())!.Token;
    }

    private Task<HttpResponseMessage> JoinAsync(string token, string node, ECDsa key) =>
        Server.Http().PostAsJsonAsync("v1/nodes/join", new NodeJoinRequest(token, node, SigningRequest(key)));

    private static string SigningRequest(ECDsa key) =>
        new CertificateRequest("CN=whatever", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<Berth.Server.Api.ApiError>())!.Error;
}
