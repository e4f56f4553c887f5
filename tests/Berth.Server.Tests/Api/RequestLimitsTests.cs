using System.Net;
using System.Text;
using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Tests.Fixtures;
namespace Berth.Server.Tests.Api;

/// <summary>Kestrel's request limits on every write endpoint, over a real server with a small body limit.</summary>
public sealed class RequestLimitsTests : IAsyncLifetime
{
    private const long BodyLimit = 4096;

    private RunningServer? _server;

    private RunningServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(o => o with { MaxRequestBodyBytes = BodyLimit });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static TheoryData<string, bool> WriteEndpoints => new()
    {
        { "v1/apply", false },
        { "v1/apply", true },
        { "v1/plan", false },
        { "v1/plan", true },
        { "v1/workloads/default/web/scale", false },
        { "v1/workloads/default/web/scale", true },
    };

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Post_BodyOverLimit_Answers413(string path, bool chunked)
    {
        // JSON-ish text, so a handler that reads it as it arrives keeps reading until the limit stops it.
        var body = "{\"name\": \"" + new string('x', (int)BodyLimit * 2) + "\"}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Url(path)) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiMessages.BodyTooLarge(BodyLimit), error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Post_BodyOverLimit_WritesNothing()
    {
        long before = await RequestWrites.RevisionAsync(Server.Host.Store);
        var scale = "{\"replicas\": 2, \"padding\": \"" + new string('x', (int)BodyLimit) + "\"}";
        using var content = new StringContent(scale, Encoding.UTF8, "application/json");

        using var response = await Server.Http.PostAsync(Server.Url("v1/workloads/default/web/scale"), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await RequestWrites.RevisionAsync(Server.Host.Store));
        // The answer is written inside the request metrics, so they record the real status, not a 500.
        var metrics = PrometheusText.Parse(await Server.GetTextAsync("metrics"));
        Assert.Equal(1, metrics.Sum("http_requests_received_total", "endpoint=\"/v1/workloads/{ns}/{name}/scale\"", "code=\"413\""));
    }

    [Fact]
    public async Task Get_UrlOverLineLimit_Answers414()
    {
        using var response = await Server.Http.GetAsync(Server.Url("v1/workloads/default/" + new string('a', ServerOptions.MaxRequestLineBytes)));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task Get_HeadersOverLimit_Answers431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Server.Url("v1/nodes"));
        request.Headers.Add("X-Padding", new string('a', ServerOptions.MaxRequestHeadersBytes));

        using var response = await Server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }
}
