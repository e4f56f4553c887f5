using System.Globalization;

namespace Berth.Scheduling.Fleet;

/// <summary>
/// Plans how a fleet workload's replicas move between clusters: scale up at the new place, wait until those replicas are
/// Running, only then scale down the old place, and remove shares left at zero. A share is the replica count of the
/// workload's derived workload in one cluster.
/// </summary>
/// <remarks>
/// The order keeps availability: replicas are only taken away after as many new ones are Running, so the Running count
/// never drops below where it started (nor below the target total when the workload shrinks), and a target below the
/// workload's minimum is refused. Pure growth comes first because it only adds availability; pure shrinking comes last,
/// when every moved replica already runs. Moves go in batches of at most <c>maxSurge</c> replicas so that a move does
/// not need room for the whole workload twice.
/// </remarks>
public static class MigrationPlanner
{
    /// <summary>
    /// The steps from <paramref name="current"/> to <paramref name="target"/> shares (cluster → replicas; a cluster
    /// missing from one side has zero there).
    /// </summary>
    /// <param name="current">The shares now, assumed Running.</param>
    /// <param name="target">The shares wanted.</param>
    /// <param name="minReplicas">The fewest replicas the workload may have Running at any time.</param>
    /// <param name="maxSurge">The most replicas moved at once (started before the old ones are stopped), at least 1.</param>
    public static MigrationPlan Plan(
        IReadOnlyDictionary<string, int> current, IReadOnlyDictionary<string, int> target, int minReplicas, int maxSurge = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(minReplicas);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSurge, 1);
        ThrowIfNegative(current, nameof(current));
        ThrowIfNegative(target, nameof(target));

        var targetTotal = Sum(target);
        var currentTotal = Sum(current);
        if (targetTotal < minReplicas)
        {
            return new MigrationPlan([], currentTotal, MigrationRefusal.TargetBelowMinimum,
                string.Format(CultureInfo.InvariantCulture, MigrationMessages.TargetBelowMinimum, targetTotal, minReplicas));
        }

        var shares = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (cluster, replicas) in current)
        {
            shares[cluster] = replicas;
        }
        // Ordinal order makes the plan the same for the same input, whatever order the dictionaries enumerate in.
        var ups = new List<(string Cluster, int Remaining)>();
        var downs = new List<(string Cluster, int Remaining)>();
        foreach (var cluster in current.Keys.Union(target.Keys).Order(StringComparer.Ordinal))
        {
            var delta = target.GetValueOrDefault(cluster) - current.GetValueOrDefault(cluster);
            if (delta > 0)
            {
                ups.Add((cluster, delta));
            }
            else if (delta < 0)
            {
                downs.Add((cluster, -delta));
            }
        }
        // Clusters emptied entirely are drained first, so that they can be released as early as possible.
        downs = [.. downs.OrderByDescending(d => target.GetValueOrDefault(d.Cluster) == 0)];

        var upTotal = ups.Sum(u => u.Remaining);
        var downTotal = downs.Sum(d => d.Remaining);
        var moved = Math.Min(upTotal, downTotal);
        var steps = new List<MigrationStep>();
        var available = currentTotal;
        var peak = currentTotal;

        // Pure growth first: it only adds availability.
        if (upTotal > moved)
        {
            var grown = Raise(ups, upTotal - moved, shares, steps, available);
            Await(grown, shares, steps, available);
            available += upTotal - moved;
            peak = Math.Max(peak, available);
        }

        var toMove = moved;
        while (toMove > 0)
        {
            var batch = Math.Min(maxSurge, toMove);
            var raised = Raise(ups, batch, shares, steps, available);
            peak = Math.Max(peak, available + batch);
            Await(raised, shares, steps, available);
            available = Lower(downs, batch, shares, steps, available + batch);
            toMove -= batch;
        }

        // Pure shrinking last: by now every moved replica runs, and the target total is at least the minimum.
        if (downTotal > moved)
        {
            Lower(downs, downTotal - moved, shares, steps, available);
        }
        return new MigrationPlan(steps, peak, null, null);
    }

    /// <summary>
    /// The target shares that empty <paramref name="drained"/>: its replicas go to <paramref name="into"/>, which keeps
    /// what it already has. Other shares stay as they are.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Drain(IReadOnlyDictionary<string, int> current, string drained, string into)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrEmpty(drained);
        ArgumentException.ThrowIfNullOrEmpty(into);
        if (string.Equals(drained, into, StringComparison.Ordinal))
        {
            throw new ArgumentException("must differ from the drained cluster " + drained, nameof(into));
        }
        var target = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (cluster, replicas) in current)
        {
            target[cluster] = replicas;
        }
        var moving = target.GetValueOrDefault(drained);
        target.Remove(drained);
        target[into] = target.GetValueOrDefault(into) + moving;
        return target;
    }

    /// <summary>Scales up the first clusters of <paramref name="ups"/> by <paramref name="count"/> in all; returns the clusters raised.</summary>
    private static List<string> Raise(List<(string Cluster, int Remaining)> ups, int count, Dictionary<string, int> shares, List<MigrationStep> steps, int available)
    {
        var raised = new List<string>();
        for (var i = 0; i < ups.Count && count > 0; i++)
        {
            var (cluster, remaining) = ups[i];
            if (remaining == 0)
            {
                continue;
            }
            var by = Math.Min(remaining, count);
            var from = shares.GetValueOrDefault(cluster);
            shares[cluster] = from + by;
            steps.Add(new MigrationStep(MigrationStepKind.ScaleUp, cluster, from, from + by, available));
            ups[i] = (cluster, remaining - by);
            count -= by;
            raised.Add(cluster);
        }
        return raised;
    }

    /// <summary>Waits for each raised cluster's share to be Running in full.</summary>
    private static void Await(List<string> clusters, Dictionary<string, int> shares, List<MigrationStep> steps, int available)
    {
        // New replicas count towards availability only once their wait is met, so the floor during a wait is what ran before the batch.
        foreach (var cluster in clusters)
        {
            var replicas = shares[cluster];
            steps.Add(new MigrationStep(MigrationStepKind.AwaitRunning, cluster, replicas, replicas, available));
        }
    }

    /// <summary>Scales down the first clusters of <paramref name="downs"/> by <paramref name="count"/> in all; returns the availability after.</summary>
    private static int Lower(List<(string Cluster, int Remaining)> downs, int count, Dictionary<string, int> shares, List<MigrationStep> steps, int available)
    {
        for (var i = 0; i < downs.Count && count > 0; i++)
        {
            var (cluster, remaining) = downs[i];
            if (remaining == 0)
            {
                continue;
            }
            var by = Math.Min(remaining, count);
            var from = shares[cluster];
            shares[cluster] = from - by;
            available -= by;
            // The floor during a scale-down is the count after it: the stopped replicas may be gone at any moment.
            steps.Add(new MigrationStep(MigrationStepKind.ScaleDown, cluster, from, from - by, available));
            if (from - by == 0)
            {
                steps.Add(new MigrationStep(MigrationStepKind.RemoveShare, cluster, 0, 0, available));
            }
            downs[i] = (cluster, remaining - by);
            count -= by;
        }
        return available;
    }

    private static int Sum(IReadOnlyDictionary<string, int> shares)
    {
        var total = 0;
        foreach (var replicas in shares.Values)
        {
            total += replicas;
        }
        return total;
    }

    private static void ThrowIfNegative(IReadOnlyDictionary<string, int> shares, string argument)
    {
        foreach (var (cluster, replicas) in shares)
        {
            if (replicas < 0)
            {
                throw new ArgumentOutOfRangeException(argument, replicas, $"share of cluster {cluster} must be zero or more");
            }
        }
    }
}
