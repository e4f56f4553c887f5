using System.Globalization;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>The region hierarchy's user-visible messages, in one place so tests can assert on them.</summary>
public static class RegionMessages
{
    /// <summary>A duration setting that must be positive.</summary>
    public static string NotPositive(string setting, TimeSpan value) => $"{setting} must be positive, not {value}";

    /// <summary>A disconnection window no longer than the report interval, which would flip the link between two reports.</summary>
    public static string DisconnectedNotAfterInterval(TimeSpan disconnectedAfter, TimeSpan interval) =>
        $"DisconnectedAfter ({disconnectedAfter}) must be longer than ReportInterval ({interval}), or a region counts as disconnected between two reports; use at least three intervals";

    /// <summary>A <c>--region</c> that is not a DNS label.</summary>
    public static string BadRegion(string value, string problem) =>
        $"--region '{value}': {problem}; e.g. --region eu-west";

    /// <summary><c>--parent</c> without <c>--region</c>.</summary>
    public const string ParentWithoutRegion =
        "--parent needs --region: a region control plane reports its pools to its parent under its region's name; e.g. --region eu-west --parent http://127.0.0.1:7070";

    /// <summary>A <c>--parent</c> that is not an absolute http URL.</summary>
    public static string BadParent(string value) =>
        $"--parent '{value}' is not an http(s) URL of the parent's REST API; e.g. --parent http://127.0.0.1:7070";

    /// <summary>A <c>--parent</c> off this machine while the link has no TLS.</summary>
    public static string ParentNotLoopback(string value) =>
        $"--parent '{value}' is not a loopback address and this server has no TLS: give --tls-dir DIR (with the parent's CA) and an https parent, or --insecure, or a parent on 127.0.0.1, [::1] or localhost";

    /// <summary>A region report whose body cannot be read.</summary>
    public static string BadReportBody(string problem) =>
        $"the region report is not valid JSON of the form {{\"region\": ..., \"address\": ..., \"pools\": [...], \"nodeClasses\": [...]}}: {problem}";

    /// <summary>A region report whose <c>region</c> is not a DNS label.</summary>
    public static string BadReportRegion(string value, string problem) =>
        $"region '{value}': {problem}; start the child with a valid --region, e.g. --region eu-west";

    /// <summary>A region report whose <c>address</c> is not an absolute http URL.</summary>
    public static string BadReportAddress(string region, string value) =>
        $"address '{value}' of region '{region}' is not an absolute http URL of the child's REST API, e.g. http://127.0.0.1:7080/";

    /// <summary>A child reporting under the parent's own region.</summary>
    public static string ReportOfOwnRegion(string region) =>
        $"region '{region}' is this control plane's own region; start the child with another --region";

    /// <summary>A region report that lost to concurrent writes of the same record every time.</summary>
    public static string ReportContended(string region, int attempts) =>
        $"the record of region '{region}' changed under this report {attempts.ToString(CultureInfo.InvariantCulture)} times in a row; nothing was written, the next report retries";

    /// <summary>Event message: a child region reported for the first time.</summary>
    public static string Registered(string region, string address, int pools) =>
        $"region {region} registered from {address} with {Count(pools, "pool")}";

    /// <summary>Event message: a child region stayed silent.</summary>
    public static string Disconnected(string region, TimeSpan silentFor) =>
        $"region {region} disconnected: no report for {silentFor.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s; its pools are not offered to placement until it reports again";

    /// <summary>Event message: a disconnected child region reported again.</summary>
    public static string Reconnected(string region) => $"region {region} reconnected";

    /// <summary>Event message on a child: its parent stopped answering.</summary>
    public static string ParentUnreachable(string parent, string problem) =>
        $"parent {parent} unreachable ({problem}); placing within this region's own pools until it answers";

    /// <summary>Event message on a child: its parent answers again.</summary>
    public static string ParentReconnected(string parent) =>
        $"parent {parent} answers again; pending fleet workloads are evaluated again";

    /// <summary>A delegation or escalation whose <c>from</c> is not a region name.</summary>
    public static string BadFrom(string value, string problem) =>
        $"from '{value}': {problem}; the sender names its region (or root) in ?from=";

    /// <summary>A delegation or escalation whose body is not a stored workload.</summary>
    public static string BadHandedBody(string problem) => $"the body is not a workload as Berth stores it (JSON): {problem}";

    /// <summary>A delegated or escalated workload whose name or namespace is malformed.</summary>
    public static string BadHandedWorkload(string field, string problem) => $"workload {field}: {problem}";

    /// <summary>A delegated or escalated workload without its fleet placement or the label naming its sender.</summary>
    public static string HandedWorkloadUnlabelled(string workload, string label, string from) =>
        $"workload {workload} must be a fleet workload (spec.placement) labelled {label}: {from} by the control plane that sends it";

    /// <summary>A child did not take a delegated share.</summary>
    public static string DelegationFailed(string workload, string region, string address, string problem) =>
        $"delegating {workload} to region {region} at {address} failed ({problem}); it is tried again on the next pass";

    /// <summary>The cluster column of a share a child region places: the child decides the cluster.</summary>
    public static string DelegatedCluster(string region) => $"delegated to {region}";

    /// <summary>Event message: a share was delegated to a child region.</summary>
    public static string Delegated(string workload, int replicas, string pool, string region) =>
        $"{workload}: {Count(replicas, "replica")} in pool {pool} delegated to region {region}";

    /// <summary>Decision reason and event message: a workload with no pool here went to the parent.</summary>
    public static string Escalated(string workload, string region, string parent) =>
        $"{workload}: no pool of region {region} can take it; escalated to parent {parent}, which places it with its wider view";

    /// <summary>Decision reason: cut off from the parent, a workload needs regions this region does not know.</summary>
    public static string UnknownRegions(string workload, IReadOnlyList<string> unknown, string region, IReadOnlyList<string> known, string parent, string problem) =>
        $"{workload} refused: it requires region{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)}, which region {region} does not know "
        + $"(it knows {string.Join(", ", known)}), and its parent {parent} is unreachable ({problem}); it is evaluated again when the parent answers, "
        + "or apply it at the parent, or remove the region from placement.requiredRegions";

    /// <summary>Decision reason: cut off from the parent, a workload with no local pool waits.</summary>
    public static string WaitingForParent(string workload, string region, string parent, string problem) =>
        $"{workload}: no pool of region {region} can take it and its parent {parent} is unreachable ({problem}); it waits and is escalated when the parent answers";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n.ToString(CultureInfo.InvariantCulture)} {noun}s";
}
