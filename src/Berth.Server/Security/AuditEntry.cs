namespace Berth.Server.Security;

/// <summary>One mutating call, allowed or refused, as the audit log keeps it (<see cref="AuditLog"/>).</summary>
/// <param name="Time">When the call was answered.</param>
/// <param name="User">The caller's name.</param>
/// <param name="Groups">The caller's groups.</param>
/// <param name="Source">How the caller authenticated (<see cref="IdentitySources"/>).</param>
/// <param name="Verb">The verb asked (<c>apply</c>, <c>delete</c>, …), or the HTTP method when the endpoint declares none.</param>
/// <param name="Kind">The kind(s) acted on, comma-separated for a manifest of several.</param>
/// <param name="Namespace">The namespace(s); empty for cluster-wide.</param>
/// <param name="Name">The object(s) named; empty when the call names none.</param>
/// <param name="Route">The REST method and path, or the gRPC method.</param>
/// <param name="Status">The HTTP status answered (for gRPC: the HTTP status its status code corresponds to).</param>
/// <param name="Outcome">succeeded, failed, denied (403) or unauthenticated (401).</param>
/// <param name="Reason">The refusal's message, or null.</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string User,
    IReadOnlyList<string> Groups,
    string Source,
    string Verb,
    string Kind,
    string Namespace,
    string Name,
    string Route,
    int Status,
    string Outcome,
    string? Reason)
{
    /// <summary>The call did what was asked.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The call was authorized but refused by the operation (invalid, not found, conflict).</summary>
    public const string Failed = "failed";

    /// <summary>403: the caller may not.</summary>
    public const string Denied = "denied";

    /// <summary>401: the credential was missing or bad.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The outcome of an answered status.</summary>
    public static string OutcomeOf(int status) => status switch
    {
        401 => Unauthenticated,
        403 => Denied,
        < 400 => Succeeded,
        _ => Failed,
    };
}
