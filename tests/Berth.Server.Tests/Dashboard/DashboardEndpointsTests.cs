using System.Net;
using Berth.Server.Dashboard;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Dashboard;

/// <summary>The dashboard's files: embedded, public, strict about what the page may load, revalidated by ETag.</summary>
public sealed class DashboardEndpointsTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(options => options with { Authorization = Berth.Server.Security.AuthorizationMode.Rbac });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Files_Embedded_PageScriptAndStyle()
    {
        Assert.Equal(["dashboard.css", "dashboard.js", "index.html"], DashboardEndpoints.Files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Page_WithoutCredentialUnderRbac_ServedWithContentSecurityPolicy()
    {
        using var response = await _server.Http.GetAsync(_server.Url("/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", string.Join(';', response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/ui/dashboard.js\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ui/dashboard.js", "text/javascript")]
    [InlineData("ui/dashboard.css", "text/css")]
    public async Task Asset_WithoutCredentialUnderRbac_ServedWithItsType(string path, string type)
    {
        using var response = await _server.Http.GetAsync(_server.Url(path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task Api_WithoutCredentialUnderRbac_Refused()
    {
        using var response = await _server.Http.GetAsync(_server.Url("v1/nodes?limit=10"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Asset_Unknown_404()
    {
        using var response = await _server.Http.GetAsync(_server.Url("ui/nothing.js"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Asset_SameETag_304()
    {
        using var first = await _server.Http.GetAsync(_server.Url("ui/dashboard.js"));
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("ui/dashboard.js"));
        request.Headers.IfNoneMatch.Add(etag);

        using var second = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }
}
