namespace Berth.Cli.Commands.Client;

/// <summary>The client commands' messages and exit codes, in one place so tests assert on them.</summary>
public static class ClientMessages
{
    /// <summary>Exit code when the server cannot be reached or answered 5xx.</summary>
    public const int ServerFailure = 1;

    /// <summary>The server at <paramref name="address"/> does not answer.</summary>
    public static string Unreachable(Uri address) =>
        $"cannot reach the Berth server at {address}: is `berth server` running? set --server or BERTH_ADDR";

    /// <summary>A request did not complete in time.</summary>
    public static string TimedOut(Uri address, TimeSpan timeout) =>
        $"the Berth server at {address} did not answer within {timeout.TotalSeconds:0} s; is it overloaded? try again";

    /// <summary>A server address that cannot be used.</summary>
    public static string BadAddress(string address, string source) =>
        $"server address '{address}' from {source} is not an http:// or https:// URL; use e.g. http://127.0.0.1:7070";

    /// <summary>The config file cannot be read.</summary>
    public static string ConfigUnreadable(string path, string reason) =>
        $"cannot read {path}: {reason}; it should hold a mapping such as `server: http://127.0.0.1:7070`";

    /// <summary>The server answered an error without a readable body.</summary>
    public static string ServerStatus(int status, string reason) => $"the server answered {status} {reason}";

    /// <summary>An <c>-f</c> path that does not exist.</summary>
    public static string FileNotFound(string path) => $"--file '{path}' does not exist; give a manifest file or a directory of them";

    /// <summary>A file that cannot be read.</summary>
    public static string FileUnreadable(string path, string reason) => $"cannot read --file '{path}': {reason}";

    /// <summary>A directory without manifests.</summary>
    public static string NoManifests(string directory) =>
        $"--file '{directory}' holds no .yaml, .yml or .json files; put manifests there or give a file";

    /// <summary>A workload reference whose namespace disagrees with <c>-n</c>.</summary>
    public static string NamespaceConflict(string reference, string ns) =>
        $"workload '{reference}' names another namespace than --namespace '{ns}'; give one of them";

    /// <summary>A workload reference that is not NAME or NS/NAME.</summary>
    public static string BadWorkloadReference(string reference) =>
        $"workload '{reference}' is not NAME or NAMESPACE/NAME";

    /// <summary>No node has the name.</summary>
    public static string NodeNotFound(string name) => $"node '{name}' not found; `berth get nodes` lists them";

    /// <summary>No object of the kind has the name.</summary>
    public static string ObjectNotFound(string kind, string name, string plural) => $"{kind} '{name}' not found; `berth get {plural}` lists them";

    /// <summary>A resource that <c>get</c> does not know.</summary>
    public static string UnknownResource(string resource) =>
        $"resource '{resource}' is not one of {string.Join(", ", Get.GetCommand.Resources.Concat(Berth.Server.State.ObjectKinds.All.Select(k => k.Plural)))}";

    /// <summary>After <c>berth token create</c> printed the token.</summary>
    public static string TokenCreated(string id, string user, string expires) =>
        $"token {id} for {user}, expires {expires}; this is the only time it is shown: keep it secret, pass it with --token or BERTH_TOKEN";

    /// <summary>After <c>berth token revoke</c>.</summary>
    public static string TokenRevoked(string id, string user) => $"token {id} of {user} revoked";

    /// <summary><c>--user</c>, <c>--since</c> or <c>--limit</c> on something other than audit.</summary>
    public const string AuditOptionsOnlyAudit = "--user, --since and --limit work only with `berth get audit`";

    /// <summary><c>-w</c> on something other than events.</summary>
    public const string WatchOnlyEvents = "--watch works only with `berth get events`";

    /// <summary>The event stream ended with an error.</summary>
    public static string StreamFailed(string reason) => $"the event stream ended: {reason}";

    /// <summary>A negative count or index option.</summary>
    public static string Negative(string option, int value) => $"{option} must be 0 or more, not {value}";
    /// <summary>A <c>--replicas</c> below zero.</summary>
    public static string NegativeReplicas(int replicas) => $"--replicas {replicas} is negative; give 0 or more";

    /// <summary>A <c>--timeout</c> that is not a duration.</summary>
    public static string BadTimeout(string text) =>
        $"--timeout '{text}' is not a duration; give a number with s, m or h above zero, e.g. 90s, 2m, 1h";

    /// <summary>A drain that did not finish in time.</summary>
    public static string DrainTimedOut(string node, TimeSpan timeout, IReadOnlyList<string> remaining, IReadOnlyList<string> blocked) =>
        $"node {node} still holds {remaining.Count} replica(s) after {Duration(timeout)}: {string.Join(", ", remaining)}"
        + (blocked.Count > 0 ? $"; waiting for their workloads' released replicas to be placed elsewhere (is there room on another node? `berth get replicas`)" : "")
        + "; the node stays cordoned, run the drain again or raise --timeout";

    /// <summary>A duration as the user would write it (90s, 2m, 1h30m).</summary>
    public static string Duration(TimeSpan span)
    {
        if (span.TotalSeconds % 60 != 0 || span < TimeSpan.FromMinutes(1))
        {
            return $"{(long)span.TotalSeconds}s";
        }
        return span.TotalMinutes % 60 == 0 ? $"{(long)span.TotalHours}h" : $"{(long)span.TotalMinutes}m";
    }

    /// <summary>A rebalance pass found no trigger.</summary>
    public const string NothingToRebalance = "nothing to rebalance: no cluster under its consolidation threshold, no pool over budget, full or short of a compliance label";

    /// <summary>A bearer token with white space inside.</summary>
    public static string TokenHasWhiteSpace(string source) =>
        $"the token from {source} holds white space; give the token exactly as `berth token create` printed it";

    /// <summary>A client key without its certificate.</summary>
    public static string KeyWithoutCertificate(string source) =>
        $"{source} is set but no client certificate is; give --client-cert (or BERTH_CLIENT_CERT) with it";

    /// <summary>A credential file that does not exist.</summary>
    public static string CredentialFileMissing(string flag, string path) =>
        $"{flag} '{path}' does not exist; give the PEM file `berth tls init` wrote";

    /// <summary>A credential file that cannot be read as PEM.</summary>
    public static string CredentialFileUnreadable(string flag, string path, string reason) =>
        $"cannot read {flag} '{path}' as a PEM certificate (and key): {reason}";

    /// <summary>A PEM file without a certificate.</summary>
    public const string NoCertificateInFile = "the file holds no PEM certificate";
}
