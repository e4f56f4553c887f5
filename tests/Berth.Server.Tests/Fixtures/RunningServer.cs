using System.Net;
using System.Text;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.Fixtures;

/// <summary>A <see cref="ServerHost"/> on 127.0.0.1 with a free port and its own temporary data directory, and an HTTP client for it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    /// <summary>How long <see cref="WaitForAsync"/> waits.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _data;

    private RunningServer(ServerHost host, string data)
    {
        Host = host;
        _data = data;
    }

    public ServerHost Host { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts a server; <paramref name="configure"/> adjusts the options (listen and data directory are already set).</summary>
    public static async Task<RunningServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "berth-server-" + Guid.NewGuid().ToString("N"));
        var options = new ServerOptions
        {
            Listen = "127.0.0.1:0",
            DataDirectory = data,
            // Short, so the background loop places replicas within a test's wait.
            LoopInterval = TimeSpan.FromMilliseconds(200),
        };
        var host = await ServerHost.StartAsync(configure is null ? options : configure(options), logging => logging.ClearProviders());
        return new RunningServer(host, data);
    }

    /// <summary>A workload manifest with <paramref name="replicas"/> replicas of a small <c>sleep</c>.</summary>
    public static string Manifest(string name, int replicas = 2) => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}{"}"}
        spec:
          replicas: {replicas}
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: 500m, memory: 64Mi{"}"}{"}"}

        """;

    /// <summary>A node with room for several such replicas.</summary>
    public static NodeSpec Node(string name) =>
        new(name, new Dictionary<string, string> { [WellKnownLabels.Hostname] = name }, [],
            ResourceList.Parse(("cpu", "4"), ("memory", "8Gi"), ("pods", "110")));

    public Uri Url(string path) => new(Host.Address, path);

    /// <summary>POSTs manifest text to <c>/v1/apply</c>; fails the test unless the answer is 200.</summary>
    public async Task ApplyAsync(string manifest)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/yaml");
        using var response = await Http.PostAsync(Url("v1/apply"), content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"apply answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>GETs <paramref name="path"/>; fails the test unless the answer is 200.</summary>
    public async Task<string> GetTextAsync(string path)
    {
        using var response = await Http.GetAsync(Url(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    /// <summary>Reads until <paramref name="done"/> holds, failing the test after <see cref="WaitLimit"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        T value = await read();
        while (!done(value))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {WaitLimit} waiting for {what}; last value:\n{value}");
            }
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
