using System.Globalization;
using Berth.Scheduling.Fleet;

namespace Berth.Server.Fleet;

/// <summary>What the server says about fleet rebalancing and migrations (events, errors).</summary>
public static class RebalanceMessages
{
    /// <summary>A migration began.</summary>
    public static string Started(string workload, string reason, IReadOnlyDictionary<string, int> from, IReadOnlyDictionary<string, int> to) =>
        string.Format(CultureInfo.InvariantCulture, "moving {0} ({1}): {2} -> {3}", workload, reason, Render(from), Render(to));

    /// <summary>One step was carried out.</summary>
    public static string Step(string workload, MigrationStep step) => step.Kind switch
    {
        MigrationStepKind.ScaleUp => string.Format(CultureInfo.InvariantCulture,
            "{0}: scaled up in cluster {1} from {2} to {3} replica(s)", workload, step.Cluster, step.From, step.To),
        MigrationStepKind.AwaitRunning => string.Format(CultureInfo.InvariantCulture,
            "{0}: {1} replica(s) Running in cluster {2}", workload, step.To, step.Cluster),
        MigrationStepKind.ScaleDown => string.Format(CultureInfo.InvariantCulture,
            "{0}: scaled down in cluster {1} from {2} to {3} replica(s)", workload, step.Cluster, step.From, step.To),
        _ => string.Format(CultureInfo.InvariantCulture, "{0}: share in cluster {1} removed", workload, step.Cluster),
    };

    /// <summary>A migration reached its target.</summary>
    public static string Completed(string workload, IReadOnlyDictionary<string, int> to) =>
        string.Format(CultureInfo.InvariantCulture, "{0} now runs {1}", workload, Render(to));

    /// <summary>New replicas did not run in time; the migration stopped without scaling anything down.</summary>
    public static string NotRunningInTime(string workload, string cluster, int running, int wanted, TimeSpan waited) =>
        string.Format(CultureInfo.InvariantCulture,
            "{0}: only {1} of {2} replica(s) Running in cluster {3} after {4:0.#}s; the migration stopped and the old replicas keep running. "
            + "Check `berth describe workload {0}-{3}` for why they do not start, then run `berth rebalance` again",
            workload, running, wanted, cluster, waited.TotalSeconds);

    /// <summary>Concurrent writes kept winning over a derived workload's scale.</summary>
    public static string WriteLost(string workload, string derived) =>
        string.Format(CultureInfo.InvariantCulture,
            "{0}: derived workload {1} kept changing under the migration; nothing more was scaled. Run `berth rebalance` again", workload, derived);

    /// <summary>A trigger that needs fleet placement to choose another pool.</summary>
    public static string NeedsPlacement(string reason) =>
        string.Format(CultureInfo.InvariantCulture, "{0}: the workloads stay until fleet placement places them in another pool", reason);

    /// <summary>The <c>workload</c> argument is not <c>namespace/name</c>.</summary>
    public static string BadWorkloadArgument(string value) =>
        string.Format(CultureInfo.InvariantCulture, "workload: '{0}' is not namespace/name (or a name in the default namespace); give e.g. default/api-gateway", value);

    /// <summary>No fleet workload by that key.</summary>
    public static string NotAFleetWorkload(string workload) =>
        string.Format(CultureInfo.InvariantCulture,
            "workload: {0} is not a fleet workload (none with that name, or it has no placement); `berth get workloads` lists them", workload);

    /// <summary>The plan was refused.</summary>
    public static string Refused(string workload, string detail) =>
        string.Format(CultureInfo.InvariantCulture, "{0}: not moved: {1}", workload, detail);

    /// <summary>A workload that must leave a pool but that fleet placement cannot place anywhere else now.</summary>
    public static string NoOtherPlacement(string workload, string reason, string planReason) =>
        string.Format(CultureInfo.InvariantCulture,
            "{0}: not moved ({1}): no other placement: {2}. It keeps running where it is; add a pool or capacity that qualifies, then run `berth rebalance {0}`",
            workload, reason, planReason);

    /// <summary>A workload in a full pool that was placed or moved too recently for its replicas to have started.</summary>
    public static string StillStarting(string workload, string reason, DateTimeOffset since, TimeSpan grace) =>
        string.Format(CultureInfo.InvariantCulture,
            "{0}: not moved yet ({1}): placed at {2:u}, its replicas may still be starting; it moves if they are not running {3:0.#}s after that",
            workload, reason, since, grace.TotalSeconds);

    /// <summary>A manual rebalance of a workload running in pools its placement no longer allows.</summary>
    public static string ManualMove(string workload, IEnumerable<string> rejections) =>
        string.Format(CultureInfo.InvariantCulture, MigrationMessages.Manual, workload) + "; its pools no longer qualify: " + string.Join("; ", rejections);

    /// <summary>The reason of a decision rewritten by a move.</summary>
    public static string Relocated(string why, string planReason) =>
        string.Format(CultureInfo.InvariantCulture, "Moved ({0}). {1}", why, planReason);

    /// <summary>Shares as <c>cluster=replicas</c> in cluster order.</summary>
    public static string Render(IReadOnlyDictionary<string, int> shares) =>
        shares.Count == 0 ? "(none)" : string.Join(", ", shares.Where(s => s.Value > 0).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
}
