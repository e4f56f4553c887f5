using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.Bench;

/// <summary>
/// <c>scale --etcd</c>: a single-member etcd (the <c>etcd</c> binary on PATH, Debian's etcd-server) on free loopback
/// client and peer ports with its data in a temporary directory, killed and removed on dispose. Adapted from the store
/// tests' fixture, with etcd's default raft timings (a benchmark should see the store as a server runs it) and an
/// optional <c>--max-txn-ops</c>.
/// </summary>
internal sealed class ThrowawayEtcd : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private ThrowawayEtcd(string directory, int clientPort, int peerPort)
    {
        _directory = directory;
        ClientPort = clientPort;
        PeerPort = peerPort;
    }

    /// <summary>The client port.</summary>
    public int ClientPort { get; }

    /// <summary>The peer port.</summary>
    public int PeerPort { get; }

    /// <summary>The address for <c>--store</c>: <c>etcd://127.0.0.1:port</c>.</summary>
    public string StoreAddress => string.Create(CultureInfo.InvariantCulture, $"etcd://127.0.0.1:{ClientPort}");

    /// <summary>The first line of <c>etcd --version</c>, e.g. <c>etcd Version: 3.4.23</c>.</summary>
    public string Version { get; private set; } = "";

    /// <summary>The process id, for reading its CPU time from <c>/proc</c>.</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Full path of the etcd binary on PATH, or null.</summary>
    public static string? BinaryPath { get; } = FindOnPath("etcd");

    /// <summary>Starts a fresh etcd and waits until <c>/health</c> answers true.</summary>
    /// <param name="maxTxnOps">etcd's <c>--max-txn-ops</c>; 0 keeps etcd's default (128).</param>
    /// <exception cref="InvalidOperationException">etcd is not on PATH, or exited before serving.</exception>
    public static async Task<ThrowawayEtcd> StartAsync(int maxTxnOps)
    {
        if (BinaryPath is null)
        {
            throw new ArgumentException("--etcd needs the etcd binary on PATH (Debian: apt-get install etcd-server); or pass --store etcd://host:port of a running etcd");
        }
        for (int attempt = 1; ; attempt++)
        {
            var etcd = new ThrowawayEtcd(Directory.CreateTempSubdirectory("berth-bench-etcd-").FullName, FreePort(), FreePort());
            try
            {
                etcd.Version = await etcd.ReadVersionAsync();
                await etcd.StartProcessAsync(maxTxnOps);
                return etcd;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // A probed port was taken before etcd bound it: try new ones.
                await etcd.DisposeAsync();
            }
            catch
            {
                await etcd.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills etcd and removes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the directory lives under the temp folder.
        }
    }

    /// <summary>The CPU time etcd has used so far (user + system, from <c>/proc</c>), or zero once it is gone.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            return _process is { HasExited: false } process ? process.TotalProcessorTime : TimeSpan.Zero;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    private async Task<string> ReadVersionAsync()
    {
        var start = new ProcessStartInfo(BinaryPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--version");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {BinaryPath}");
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
    }

    private async Task StartProcessAsync(int maxTxnOps)
    {
        var client = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ClientPort}");
        var peer = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{PeerPort}");
        var start = new ProcessStartInfo(BinaryPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var arguments = new List<string>
        {
            "--name", "berth-bench", "--data-dir", Path.Combine(_directory, "data"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"berth-bench={peer}", "--initial-cluster-state", "new",
            // 8 GiB instead of the 2 GiB default: a full-size run keeps every revision (nothing compacts during it).
            "--quota-backend-bytes", (8L << 30).ToString(CultureInfo.InvariantCulture),
            "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
        };
        if (maxTxnOps > 0)
        {
            arguments.AddRange(["--max-txn-ops", maxTxnOps.ToString(CultureInfo.InvariantCulture)]);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {BinaryPath}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {process.ExitCode} before serving on {client}:\n{Log()}");
            }
            try
            {
                if ((await http.GetStringAsync($"{client}/health")).Contains("\"true\"", StringComparison.Ordinal))
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
            await Task.Delay(50);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
