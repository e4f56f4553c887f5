using System.ComponentModel;
using System.Diagnostics;

namespace Berth.Cli.Commands.Dev;

/// <summary>
/// One <c>berth agent</c> that <c>berth dev</c> runs as a child process. Its output lines are copied to the dev
/// terminal prefixed with the node name; an exit that <see cref="Stop"/> did not cause is reported through the
/// callback given at start.
/// </summary>
public sealed class AgentChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TextWriter _output;
    private int _stopping;

    private AgentChildProcess(string name, Process process, TextWriter output)
    {
        Name = name;
        _process = process;
        _output = output;
    }

    /// <summary>The agent's node name, which prefixes its lines.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>berth agent</c> with <paramref name="arguments"/> (after the word <c>agent</c>).</summary>
    /// <param name="executable">This berth.</param>
    /// <param name="name">The node name, used as the line prefix.</param>
    /// <param name="arguments">The agent's options.</param>
    /// <param name="output">Where prefixed lines go; must be safe to write from several threads.</param>
    /// <param name="exitedUnexpectedly">Called once if the process exits before <see cref="Stop"/>.</param>
    /// <exception cref="Win32Exception">The program could not be started.</exception>
    public static AgentChildProcess Start(BerthExecutable executable, string name, IEnumerable<string> arguments, TextWriter output, Action<AgentChildProcess> exitedUnexpectedly)
    {
        ArgumentNullException.ThrowIfNull(executable);
        ArgumentNullException.ThrowIfNull(exitedUnexpectedly);
        var info = executable.StartInfo(new[] { "agent" }.Concat(arguments));
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        // The agent reads nothing from it, and a redirected stdin keeps it from competing with the terminal; this process
        // holds the pipe's only write end, so it closes when berth dev dies in any way and the agent (started with
        // --exit-with-stdin) stops.
        info.RedirectStandardInput = true;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new AgentChildProcess(name, process, output);
        process.OutputDataReceived += (_, e) => child.Copy(e.Data);
        process.ErrorDataReceived += (_, e) => child.Copy(e.Data);
        process.Exited += (_, _) =>
        {
            if (Volatile.Read(ref child._stopping) == 0)
            {
                exitedUnexpectedly(child);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Kills the agent and every process under it (its replicas), and waits briefly for them to go.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopping, 1);
        try
        {
            if (!_process.HasExited)
            {
                // The whole tree: an agent killed alone would leave its replicas running with no one to stop them.
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or never started: nothing left to stop.
        }
    }

    /// <summary>Stops the agent (see <see cref="Stop"/>) and releases the process handle.</summary>
    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Copy(string? line)
    {
        if (line is not null)
        {
            _output.WriteLine($"{Name} | {line}");
        }
    }
}
