namespace Berth.Cli.Commands.Agent;

/// <summary>
/// Ends an agent when the process that started it dies, for agents that <c>berth dev</c> runs as children
/// (<c>--exit-with-stdin</c>): the parent holds the only write end of the child's stdin pipe, and the kernel closes it
/// when the parent exits in any way, SIGKILL included, so the child reads end-of-file.
/// </summary>
/// <remarks>
/// Chosen over polling a parent process id (<c>--exit-with-parent PID</c>): end-of-file arrives at once rather than at
/// the next poll, and cannot be fooled by a reused process id; and unlike <c>prctl(PR_SET_PDEATHSIG)</c> it needs no
/// native call. .NET creates its redirection pipes close-on-exec, so no sibling process inherits the write end and
/// holds the pipe open. Opt-in only: an agent started with stdin at <c>/dev/null</c> (a service manager) reads
/// end-of-file at once.
/// </remarks>
public static class ParentWatch
{
    /// <summary>Completes when <paramref name="stdin"/> reaches end-of-file or fails (the parent is gone), or when cancelled.</summary>
    public static async Task StdinClosedAsync(Stream stdin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        var buffer = new byte[256];
        try
        {
            // Nothing is ever written; anything that is, is ignored.
            while (await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A broken pipe means the same as end-of-file here.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
