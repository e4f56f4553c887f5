using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Security;

/// <summary>Client certificates as callers (CN → name, O → groups) on a server with <c>--tls-dir</c>, where RBAC is on by default.</summary>
public sealed class CertificateRbacTests : TlsServerTests
{
    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    [Fact]
    public async Task WhoAmI_AdminCertificate_IsAdminThroughSystemMasters()
    {
        using var response = await Server.AdminHttp().GetAsync("v1/whoami");

        var me = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ApiJson.Info<WhoAmIResponse>())!;
        Assert.Equal(("admin", CallerIdentity.MastersGroup, IdentitySources.Certificate, "rbac"), (me.Name, Assert.Single(me.Groups), me.Source, me.Mode));
        Assert.Equal("admin", Assert.Single(me.Roles).Role);
    }

    [Fact]
    public async Task Request_NoCredentialOverTls_Is401()
    {
        using var response = await Server.Http().GetAsync("v1/workloads");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Apply_CertificateOfViewerGroup_RefusedNamingCnAndO_ButListAllowed()
    {
        using var bound = await Server.AdminHttp().PostAsync("v1/apply", Yaml("""
            apiVersion: berth.dev/v1
            kind: RoleBinding
            metadata: {name: auditors-view}
            spec: {role: viewer, subjects: [{kind: Group, name: auditors}]}
            """));
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        using var certificate = Server.Authority.IssueWithKey(CertificateNames.Subject("carol", "auditors"), TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        var carol = Server.Http(certificate);

        using var listed = await carol.GetAsync("v1/workloads");
        using var applied = await carol.PostAsync("v1/apply", Yaml(RunningServer.Manifest("web")));

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, applied.StatusCode);
        using var error = JsonDocument.Parse(await applied.Content.ReadAsStringAsync());
        Assert.StartsWith("user 'carol' (groups: auditors) may not apply workloads in namespace 'default'", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
