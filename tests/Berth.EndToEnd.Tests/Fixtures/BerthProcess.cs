using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// One real <c>berth</c> process (<c>dotnet berth.dll ...</c>, the build next to the tests) with its output captured
/// line by line. Disposing kills it with everything it started; a process-exit hook does the same for any left over
/// when a test host is torn down early, so no test leaves processes behind.
/// </summary>
internal sealed class BerthProcess : IDisposable
{
    private static readonly ConcurrentDictionary<BerthProcess, bool> Running = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static BerthProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Keys)
        {
            process.Kill();
        }
    };

    private BerthProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>What the test calls this process in failure messages (e.g. <c>server</c>, <c>agent n1</c>).</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process has exited and its output is read.</summary>
    public Task Exited => _exited.Task;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every output line so far (stdout and stderr, in arrival order).</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>The program that runs berth.dll: the muxer running these tests, else <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>The berth assembly built next to the tests.</summary>
    public static string BerthAssembly => Path.Combine(AppContext.BaseDirectory, "berth.dll");

    /// <summary>Starts <c>dotnet berth.dll</c> with <paramref name="arguments"/>.</summary>
    public static BerthProcess Start(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(BerthAssembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // A developer's own BERTH_ADDR must not send a test's client to another server.
        info.Environment.Remove("BERTH_ADDR");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var started = new BerthProcess(process, name);
        void Line(string? line)
        {
            if (line is not null)
            {
                started._lines.Enqueue(line);
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Start();
        Running[started] = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // WaitForExitAsync also waits for the end of both output streams, so Exited means the output is complete.
        _ = process.WaitForExitAsync().ContinueWith(_ => started._exited.TrySetResult(), TaskScheduler.Default);
        return started;
    }

    /// <summary>Runs a berth command to its end (bounded by <paramref name="limit"/>, default 60 s); its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null)
    {
        using var process = Start("berth " + string.Join(' ', arguments), arguments, environment);
        var bound = limit ?? TimeSpan.FromSeconds(60);
        if (await Task.WhenAny(process.Exited, Task.Delay(bound)) != process.Exited)
        {
            Assert.Fail($"{process.Name} did not finish within {bound.TotalSeconds:0} s; output:\n{process.Output}");
        }
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits for an output line matching <paramref name="match"/>; fails if the process exits first or after <paramref name="limit"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? limit = null)
    {
        string? found = null;
        await Eventually.WaitAsync(() =>
        {
            found = _lines.FirstOrDefault(match);
            if (found is null && _exited.Task.IsCompleted)
            {
                Assert.Fail($"{Name} exited with code {ExitCode} before printing {what}; output:\n{Output}");
            }
            return found is not null;
        }, $"{Name} to print {what}; output so far:\n{Output}", limit);
        return found!;
    }

    /// <summary>Sends a signal by number (2 = SIGINT, 15 = SIGTERM) through <c>kill</c>, as a terminal or a service manager would.</summary>
    public void Signal(int number)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-s", number.ToString(CultureInfo.InvariantCulture), Id.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process and everything it started (an agent's replicas too), and waits until it is gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Kills (see <see cref="Kill"/>) and releases the process.</summary>
    public void Dispose()
    {
        Kill();
        Running.TryRemove(this, out _);
        _process.Dispose();
    }
}
