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
}
