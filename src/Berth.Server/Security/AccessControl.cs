using System.Text.Json;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Security;

/// <summary>
/// The server's authorization: the mode (<see cref="AuthorizationMode"/>) and an <see cref="AccessPolicy"/> over the
/// roles and bindings in the store, read per check so an applied binding counts from the next request.
/// </summary>
public sealed class AccessControl
{
    private readonly IKeyValueStore _store;

    /// <summary>Creates the authorization over <paramref name="store"/> in <paramref name="mode"/>.</summary>
    public AccessControl(IKeyValueStore store, AuthorizationMode mode)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Mode = mode;
    }

    /// <summary>The mode in force.</summary>
    public AuthorizationMode Mode { get; }

    /// <summary>True when <paramref name="caller"/> is let through without any role check: anonymous in open mode (the built-in admin).</summary>
    public bool IsOpenAdmin(CallerIdentity caller) => Mode == AuthorizationMode.Open && caller.IsAnonymous;

    /// <summary>The policy over the stored roles and bindings.</summary>
    public async Task<AccessPolicy> PolicyAsync(CancellationToken cancellationToken = default)
    {
        var roles = await ReadAsync<RoleSpec>(ObjectKinds.Roles, cancellationToken).ConfigureAwait(false);
        var bindings = await ReadAsync<RoleBindingSpec>(ObjectKinds.RoleBindings, cancellationToken).ConfigureAwait(false);
        return new AccessPolicy(roles, bindings);
    }

    /// <summary>The roles <paramref name="caller"/> holds; admin for anonymous in open mode.</summary>
    public async Task<IReadOnlyList<RoleGrant>> GrantsAsync(CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (IsOpenAdmin(caller))
        {
            return [new RoleGrant(BuiltInRoles.Admin.Name, BuiltInRoles.Admin, [], "open mode")];
        }
        return (await PolicyAsync(cancellationToken).ConfigureAwait(false)).GrantsOf(caller);
    }

    /// <summary>Null when <paramref name="caller"/> may do <paramref name="verb"/> on <paramref name="kind"/> in <paramref name="ns"/>; else the 403 message.</summary>
    public async Task<string?> CheckAsync(CallerIdentity caller, string verb, string kind, string ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (IsOpenAdmin(caller))
        {
            return null;
        }
        var decision = (await PolicyAsync(cancellationToken).ConfigureAwait(false)).Decide(caller, verb, kind, ns);
        return decision.Allowed ? null : SecurityMessages.Forbidden(caller, verb, kind, ns, decision.Grants);
    }

    /// <summary>Null when <paramref name="caller"/> is admin (every verb on every kind everywhere); else the 403 message naming <paramref name="method"/> and <paramref name="path"/>.</summary>
    public async Task<string?> CheckAdminAsync(CallerIdentity caller, string method, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (IsOpenAdmin(caller))
        {
            return null;
        }
        var decision = (await PolicyAsync(cancellationToken).ConfigureAwait(false)).Decide(caller, RoleRule.Wildcard, RoleRule.Wildcard, "");
        return decision.Allowed ? null : SecurityMessages.AdminOnly(caller, method, path, decision.Grants);
    }

    /// <summary>Null when <paramref name="caller"/> may do <paramref name="verb"/> on every target; else the 403 message of the first it may not.</summary>
    public async Task<string?> CheckManifestAsync(CallerIdentity caller, string verb, IReadOnlyList<ManifestTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(targets);
        if (IsOpenAdmin(caller))
        {
            return null;
        }
        var policy = await PolicyAsync(cancellationToken).ConfigureAwait(false);
        foreach (var target in targets)
        {
            var decision = policy.Decide(caller, verb, target.Kind, target.Namespace);
            if (!decision.Allowed)
            {
                return SecurityMessages.Forbidden(caller, verb, target.Kind, target.Namespace, decision.Grants);
            }
        }
        return null;
    }

    private async Task<List<T>> ReadAsync<T>(ObjectKind kind, CancellationToken cancellationToken)
        where T : class
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.ObjectsOf(kind)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = new List<T>(range.Kvs.Count);
        foreach (var kv in range.Kvs)
        {
            try
            {
                result.Add((T)kind.Deserialize(kv.Value.Span));
            }
            catch (JsonException)
            {
                // A record that cannot be read grants nothing; the rest still count.
            }
        }
        return result;
    }
}
