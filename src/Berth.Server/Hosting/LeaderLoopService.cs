using Berth.Server.Leadership;
using Microsoft.Extensions.Hosting;

namespace Berth.Server.Hosting;

/// <summary>
/// A background loop that runs only while this server leads: it waits for a term, runs <see cref="LeadAsync"/> until the
/// term is lost or the host stops, then waits for the next term. Writes made inside are fenced by the leadership, so a
/// pass still running when the term ends is refused by the store.
/// </summary>
public abstract class LeaderLoopService(LeaderElection election) : BackgroundService
{
    private int _passes;

    /// <summary>How many passes have completed, successfully or not (as <see cref="RunPassesAsync"/> or <see cref="CountPass"/> count them).</summary>
    public int CompletedPasses => Volatile.Read(ref _passes);
    /// <inheritdoc/>
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            LeadershipTerm term;
            try
            {
                term = await election.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Lost);
            await LeadAsync(leading.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The work of one term; returns when <paramref name="stoppingToken"/> (term lost or host stopping) is cancelled.</summary>
    protected abstract Task LeadAsync(CancellationToken stoppingToken);

    /// <summary>Counts a completed pass, for a loop that does not run through <see cref="RunPassesAsync"/>.</summary>
    protected void CountPass() => Interlocked.Increment(ref _passes);

    /// <summary>
    /// Runs <paramref name="pass"/> now and then every <paramref name="interval"/> until <paramref name="stoppingToken"/>
    /// is cancelled. A pass that throws is handed to <paramref name="failed"/> and the loop goes on: the passes of a
    /// leader loop are safe to repeat, so the next one tries again.
    /// </summary>
    protected async Task RunPassesAsync(Func<CancellationToken, Task> pass, TimeSpan interval, TimeProvider time, Action<Exception> failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(failed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
            CountPass();
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
