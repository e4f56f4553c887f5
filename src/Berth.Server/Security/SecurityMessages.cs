using System.Globalization;

namespace Berth.Server.Security;

/// <summary>The user-visible messages of authentication, authorization, tokens and the audit log, in one place so tests can assert on them.</summary>
public static class SecurityMessages
{
    /// <summary>A bearer token that is not <c>berth_{id}_{secret}</c>.</summary>
    public const string MalformedToken =
        "the bearer token is malformed: expected berth_{id}_{secret} as printed by 'berth token create'; check --token or BERTH_TOKEN";

    /// <summary>An Authorization header that is not a bearer token.</summary>
    public const string NotBearer =
        "the Authorization header is not 'Bearer berth_…'; send a token made by 'berth token create' with --token or BERTH_TOKEN";

    /// <summary>No token with that id.</summary>
    public static string UnknownToken(string id) =>
        $"token {id} is unknown (never created, or the cluster's store was reset); ask an admin for a new one with 'berth token create'";

    /// <summary>A known id with the wrong secret.</summary>
    public static string WrongTokenSecret(string id) =>
        $"token {id} does not match its secret; use the whole token exactly as 'berth token create' printed it";

    /// <summary>A revoked token.</summary>
    public static string RevokedToken(string id, DateTimeOffset at) =>
        $"token {id} was revoked at {ApiTokens.Format(at)}; ask an admin for a new one with 'berth token create'";

    /// <summary>An expired token.</summary>
    public static string ExpiredToken(string id, DateTimeOffset at) =>
        $"token {id} expired at {ApiTokens.Format(at)}; ask an admin for a new one with 'berth token create --ttl …'";

    /// <summary>No credential while the server runs with <c>--authorization rbac</c>.</summary>
    public const string NoCredential =
        "this server requires a credential (--authorization rbac): give a token with --token or BERTH_TOKEN, or a client certificate with --client-cert and --client-key";

    /// <summary>A 403: what was asked, what is missing, how to fix it.</summary>
    public static string Forbidden(CallerIdentity caller, string verb, string kind, string ns, IReadOnlyList<RoleGrant> grants)
    {
        var where = ns.Length == 0 ? " (cluster-wide)" : $" in namespace '{ns}'";
        var bound = grants.Count == 0 ? "none" : string.Join(", ", grants.Select(g => g.Describe()));
        var who = caller.Groups.Count == 0 ? caller.Name : $"{caller.Name} or their groups";
        var suggestion = ns.Length == 0
            ? $"a role that allows {verb} on {kind} everywhere, without namespaces (e.g. operator or admin)"
            : $"a role that allows {verb} on {kind} in {ns} (e.g. developer with namespaces: [{ns}])";
        return $"{caller.Describe()} may not {verb} {kind}{where}: no role bound to {who} allows it; bound roles: {bound}. "
            + $"Ask an admin for a RoleBinding giving {caller.Name} {suggestion}; 'berth get roles' shows what each role allows";
    }

    /// <summary>A 403 for an endpoint only admin may call.</summary>
    public static string AdminOnly(CallerIdentity caller, string method, string path, IReadOnlyList<RoleGrant> grants)
    {
        var bound = grants.Count == 0 ? "none" : string.Join(", ", grants.Select(g => g.Describe()));
        return $"{caller.Describe()} may not {method} {path}: only admin may; bound roles: {bound}. Ask an admin for a RoleBinding of role admin, or to use this endpoint for you";
    }

    /// <summary>A token user that is empty or has spaces.</summary>
    public static string BadTokenUser(string user) => $"user '{user}' is invalid: give a non-empty name without spaces, e.g. --user alice";

    /// <summary>An empty group.</summary>
    public const string EmptyTokenGroup = "a group is empty: give each --group a name, e.g. --group dev";

    /// <summary>A lifetime out of range.</summary>
    public static string BadTokenTtl(long seconds, TimeSpan max) =>
        string.Create(CultureInfo.InvariantCulture, $"ttl {seconds}s is out of range: give more than 0 and at most {max.TotalHours:0}h, e.g. --ttl 720h");

    /// <summary>A role a token names that does not exist.</summary>
    public static string UnknownTokenRole(string role, IEnumerable<string> known) =>
        $"role '{role}' does not exist; use a built-in role ({string.Join(", ", known)}) or apply a Role first";

    /// <summary>A random id already used.</summary>
    public static string TokenIdTaken(string id) => $"token id {id} is already taken; create the token again";

    /// <summary>No such token.</summary>
    public static string TokenNotFound(string id) => $"token {id} not found; list tokens with 'berth token list'";

    /// <summary>A request body that is not a token request.</summary>
    public static string BadTokenRequest(string reason) =>
        $"the body is not a token request ({reason}); send {{\"user\": \"alice\", \"groups\": [\"dev\"], \"role\": \"viewer\", \"ttlSeconds\": 2592000}}";

    /// <summary>A built-in role named in a delete.</summary>
    public static string BuiltInRoleNotDeletable(string name) => $"role {name} is built in and cannot be deleted; bind another role instead";

    /// <summary>An <c>--authorization</c> value that is neither open nor rbac.</summary>
    public static string BadAuthorizationMode(string value) => $"--authorization '{value}' is invalid; use open or rbac";

    /// <summary>A negative <c>--audit-retention</c>.</summary>
    public static string NegativeAuditRetention(TimeSpan value) =>
        $"--audit-retention {value} is negative; give how long audit entries are kept (e.g. 720h), or 0 to keep them forever";
}
