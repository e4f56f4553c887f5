using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Automation;

/// <summary>A webhook receiver on 127.0.0.1 (a free port) that answers the first <c>failures</c> calls with 500, then 200, and keeps every call.</summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private HookReceiver(WebApplication app) => _app = app;

    /// <summary>Every call, in order: its body and headers.</summary>
    public ConcurrentQueue<(byte[] Body, IHeaderDictionary Headers, int Answered)> Calls { get; } = new();

    /// <summary>The hook's URL.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<HookReceiver> StartAsync(int failures)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new HookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            int call = Interlocked.Increment(ref receiver._calls);
            int status = call <= failures ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            receiver.Calls.Enqueue((body.ToArray(), new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value)), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
