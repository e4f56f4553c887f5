using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Security;

/// <summary>The default mode without TLS: anonymous callers are admin, and a presented credential still counts.</summary>
public sealed class OpenModeTests
{
    [Fact]
    public async Task Apply_NoCredential_ActsAsAdminAndIsAudited()
    {
        await using var server = await RunningServer.StartAsync();

        await server.ApplyAsync(RunningServer.Manifest("web"));

        var audit = await server.GetTextAsync("v1/audit?user=anonymous");
        Assert.Contains("\"outcome\":\"succeeded\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"default/web\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"open\"", await server.GetTextAsync("v1/whoami"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ViewerTokenInOpenMode_StaysReadOnly()
    {
        await using var server = await RunningServer.StartAsync();
        var token = (await new ApiTokens(server.Host.Store, TimeProvider.System).CreateAsync(new TokenRequest("vic", [], "viewer", null))).Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("v1/apply")) { Content = new StringContent(RunningServer.Manifest("web"), Encoding.UTF8, "application/yaml") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("user 'vic' may not apply workloads in namespace 'default'", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BadTokenInOpenMode_Is401()
    {
        await using var server = await RunningServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Url("v1/workloads"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "berth_nope");

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
