using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.Store.Tests.Fixtures;

/// <summary>
/// A throwaway single-member etcd on loopback: data in a temporary directory, client and peer URLs on free 127.0.0.1
/// ports, killed and removed on dispose. Fast raft timings (10 ms heartbeat, 50 ms election) so it is ready in a blink and
/// its minimum lease TTL is 1 s.
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private EtcdServer(string directory, int clientPort, int peerPort)
    {
        _directory = directory;
        ClientPort = clientPort;
        PeerPort = peerPort;
    }

    /// <summary>Full path of the etcd binary found on PATH, or null.</summary>
    public static string? BinaryPath { get; } = FindOnPath("etcd");

    /// <summary>True when running under CI (<c>CI=true</c>), where a missing etcd fails the tests instead of skipping them.</summary>
    public static bool InCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why tests that need etcd are skipped here, or null when they run (etcd found, or CI where they must fail loudly).</summary>
    public static string? SkipReason => BinaryPath is null && !InCi
        ? "etcd is not on PATH; install it (Debian: apt-get install etcd-server) to run the etcd store tests. Under CI=true these tests fail instead of skipping."
        : null;

    /// <summary>The client port the server listens on now.</summary>
    public int ClientPort { get; private set; }

    /// <summary>The peer port (kept across restarts: it is part of the member's identity).</summary>
    public int PeerPort { get; }

    /// <summary>The client endpoint as <c>127.0.0.1:port</c>.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ClientPort}");

    /// <summary>Starts a fresh etcd (empty data directory, revision 1 in etcd's numbering) and waits until it serves.</summary>
    public static async Task<EtcdServer> StartAsync()
    {
        if (BinaryPath is null)
        {
            throw new InvalidOperationException("etcd is not on PATH but CI=true: the etcd store tests must run in CI. Install it (apt-get install -y etcd-server), as .ci/run does.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var server = new EtcdServer(Directory.CreateTempSubdirectory("berth-etcd-").FullName, FreePort(), FreePort());
            try
            {
                await server.StartProcessAsync().ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // A free port was taken between probing and binding: try new ones.
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Kills the process (SIGKILL, no clean shutdown) and waits for it to exit; the data directory stays.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
        }
    }

    /// <summary>Starts etcd again on the same data directory and peer port; on <paramref name="clientPort"/> if given, else the same client port.</summary>
    public async Task RestartAsync(int? clientPort = null)
    {
        await KillAsync().ConfigureAwait(false);
        ClientPort = clientPort ?? ClientPort;
        await StartProcessAsync().ConfigureAwait(false);
    }

    /// <summary>A free loopback port right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills etcd and removes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the directory lives under the temp folder.
        }
    }

    private async Task StartProcessAsync()
    {
        var client = $"http://127.0.0.1:{ClientPort.ToString(CultureInfo.InvariantCulture)}";
        var peer = $"http://127.0.0.1:{PeerPort.ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo(BinaryPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--name", "berth-test", "--data-dir", Path.Combine(_directory, "data"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"berth-test={peer}", "--initial-cluster-state", "new",
            "--heartbeat-interval", "10", "--election-timeout", "50",
            "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        lock (_log)
        {
            _log.Clear();
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {BinaryPath}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {process.ExitCode} before serving on {client}:\n{Log()}");
            }

            try
            {
                var health = await http.GetStringAsync($"{client}/health").ConfigureAwait(false);
                if (health.Contains("\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // No answer within a second yet.
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new TimeoutException($"etcd did not report healthy on {client} within {ReadyTimeout}:\n{Log()}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length < 20_000)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
