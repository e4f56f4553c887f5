using System.Text;
using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Tests.Fixtures;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Api;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> against the endpoints the server really maps.</summary>
public sealed class ApiDocumentTests : IAsyncLifetime
{
    private const string HowToFix =
        "Chain .WithName(\"UniqueOperationName\").WithSummary(\"What it does.\").Produces<TResponse>(StatusCodes.Status200OK) "
        + "onto the endpoint's Map call, plus .Produces<ApiError>(status) for each error status it answers and "
        + ".Accepts<TBody>(\"content/type\") when it reads a body; an endpoint that answers text or a stream declares "
        + ".Produces<string>(StatusCodes.Status200OK, \"text/plain\") (see the other endpoints in BerthApi.cs and AgentApi.cs).";

    private RunningServer? _server;

    private RunningServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var text = await Server.GetTextAsync(ApiDocument.Path.TrimStart('/'));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // Every /v1 route the server maps, as (METHOD, path with route constraints removed, endpoint).
    private List<(string Method, string Path, RouteEndpoint Endpoint)> V1Endpoints()
    {
        var source = Server.Host.Services.GetRequiredService<EndpointDataSource>();
        var result = new List<(string, string, RouteEndpoint)>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!pattern.StartsWith("/v1/", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            Assert.True(methods.Count > 0, $"{pattern} accepts every HTTP method; map it with MapGet/MapPost/MapPut/MapDelete");
            foreach (var method in methods)
            {
                result.Add((method, DocumentPath(pattern), endpoint));
            }
        }
        return result;
    }

    // "/v1/nodes/{name:required}" is documented as "/v1/nodes/{name}".
    private static string DocumentPath(string pattern)
    {
        var path = new StringBuilder();
        bool inParameter = false, inConstraint = false;
        foreach (char c in pattern)
        {
            if (c == '{')
            {
                inParameter = true;
            }
            else if (c == '}')
            {
                inParameter = inConstraint = false;
            }
            else if (inParameter && (c == ':' || c == '=' || c == '?'))
            {
                inConstraint = true;
            }
            if (!inConstraint || c == '}')
            {
                path.Append(c);
            }
        }
        return path.ToString();
    }

    [Fact]
    public async Task Document_Get_IsOpenApi3WithTitle()
    {
        var document = await DocumentAsync();

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Equal(ApiDocument.Title, document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(ApiDocument.Name, document.GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public void Endpoints_EveryV1Endpoint_HasNameSummaryAndSuccessResponse()
    {
        var endpoints = V1Endpoints();
        Assert.NotEmpty(endpoints);

        var missing = new List<string>();
        foreach (var (method, path, endpoint) in endpoints)
        {
            var metadata = endpoint.Metadata;
            var lacks = new List<string>();
            if (string.IsNullOrWhiteSpace(metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName))
            {
                lacks.Add(".WithName(...)");
            }
            if (string.IsNullOrWhiteSpace(metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary))
            {
                lacks.Add(".WithSummary(...)");
            }
            if (!metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Any(p => p.StatusCode is >= 200 and < 300 && p.Type is not null && p.Type != typeof(void)))
            {
                lacks.Add(".Produces<TResponse>(StatusCodes.Status200OK)");
            }
            if (lacks.Count > 0)
            {
                missing.Add($"{method} {path} lacks {string.Join(", ", lacks)}");
            }
        }

        Assert.True(missing.Count == 0, "endpoints without OpenAPI metadata:\n  " + string.Join("\n  ", missing) + "\n" + HowToFix);
    }

    [Fact]
    public void Endpoints_EveryV1Endpoint_HasAUniqueName()
    {
        var duplicates = V1Endpoints()
            .Select(e => (Name: e.Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, e.Method, e.Path))
            .Where(e => e.Name is not null)
            .DistinctBy(e => (e.Method, e.Path))
            .GroupBy(e => e.Name)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method} {e.Path}"))}")
            .ToList();

        Assert.True(duplicates.Count == 0, "endpoint names are OpenAPI operation ids and must be unique; rename in .WithName(...):\n  " + string.Join("\n  ", duplicates));
    }

    [Fact]
    public async Task Document_Get_ListsEveryMappedV1EndpointWithItsOperationId()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var absent = new List<string>();
        foreach (var (method, path, endpoint) in V1Endpoints())
        {
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                absent.Add($"{method} {path}");
                continue;
            }
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (name is not null)
            {
                Assert.Equal(name, operation.GetProperty("operationId").GetString());
            }
        }

        Assert.True(absent.Count == 0, $"mapped but not in {ApiDocument.Path}:\n  " + string.Join("\n  ", absent) + "\n"
            + "An endpoint is left out when it is excluded from the description or is not a minimal API handler; " + HowToFix);
    }

    [Fact]
    public async Task Document_Get_DescribesResponsesAsTheApiWritesThem()
    {
        var document = await DocumentAsync();

        var apply = document.GetProperty("paths").GetProperty("/v1/apply").GetProperty("post");
        var body = apply.GetProperty("requestBody").GetProperty("content");
        Assert.True(body.TryGetProperty("application/yaml", out _), body.ToString());
        Assert.True(body.TryGetProperty("application/json", out _), body.ToString());
        foreach (var status in (string[])["200", "400", "409", "413"])
        {
            Assert.True(apply.GetProperty("responses").TryGetProperty(status, out _), $"POST /v1/apply does not document {status}");
        }

        // Schemas come from the API's source-generated JSON metadata: camelCase names and enums as strings.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty(nameof(ApiError)).GetProperty("properties").TryGetProperty("error", out _), schemas.GetProperty(nameof(ApiError)).ToString());
        Assert.Contains("Running", schemas.GetProperty("AssignmentState").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        // Types written by custom converters are described as the converters write them.
        Assert.Equal("string", schemas.GetProperty("WorkloadKey").GetProperty("type").GetString());
        Assert.Equal("object", schemas.GetProperty("ResourceList").GetProperty("type").GetString());
        Assert.Equal("string", schemas.GetProperty("ResourceList").GetProperty("additionalProperties").GetProperty("type").GetString());

        var events = document.GetProperty("paths").GetProperty("/v1/events").GetProperty("get");
        var parameters = events.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["after", "limit", "follow"], parameters);
    }
}
