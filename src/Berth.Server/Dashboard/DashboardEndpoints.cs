using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Berth.Server.Dashboard;

/// <summary>
/// The web dashboard: <c>GET /</c> answers its page and <c>GET /ui/{file}</c> its script and style sheet, all embedded in
/// this assembly (no files on disk, no build step, nothing fetched from elsewhere). The files are public, as the page must
/// load before anyone has signed in; the data comes from the API under <c>/v1</c>, which the page calls with the
/// signed-in user's bearer token.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The path the page is served at.</summary>
    public const string PagePath = "/";

    /// <summary>The prefix of the page's assets.</summary>
    public const string AssetPrefix = "/ui/";

    private const string ResourcePrefix = "Berth.Server.Dashboard.Assets.";
    private const string PageFile = "index.html";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Read once: the assets are part of the build and never change while the server runs.
    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(LoadAssets);

    /// <summary>The names of the embedded files (e.g. <c>index.html</c>, <c>dashboard.js</c>).</summary>
    public static IReadOnlyCollection<string> Files => Assets.Value.Keys;

    /// <summary>Maps <c>GET /</c> and <c>GET /ui/{file}</c> onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(PagePath, (HttpContext context) => Serve(context, PageFile))
            .WithName("Dashboard").WithTags("Dashboard")
            .WithSummary("The web dashboard: nodes, workloads, pools and the live event feed (public; the page calls /v1 with the signed-in token).")
            .ExcludeFromDescription()
            .AllowAnonymous();
        app.MapGet(AssetPrefix + "{file}", (string file, HttpContext context) => Serve(context, file))
            .WithName("DashboardAsset").WithTags("Dashboard")
            .WithSummary("A script or style sheet of the dashboard.")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Assets.Value.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }
        var headers = context.Response.Headers;
        // Revalidated on every load (a new server build may bring new files), answered 304 while unchanged.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (file == PageFile)
        {
            // The page runs only its own script and style, talks only to this server and is never framed.
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
        }
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new Asset(content, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
