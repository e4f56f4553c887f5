using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Berth.Server.Security;

/// <summary>
/// Who made a request, as the authentication middleware (<see cref="SecurityMiddleware"/>) found it: a token's user and
/// groups, a client certificate's CN and O, or anonymous. Read it with <see cref="Of"/>.
/// </summary>
/// <param name="Name">The user name (a certificate's CN); <c>anonymous</c> without a credential.</param>
/// <param name="Groups">The groups (a certificate's organisations).</param>
/// <param name="Source">One of <see cref="IdentitySources"/>.</param>
public sealed record CallerIdentity(string Name, IReadOnlyList<string> Groups, string Source)
{
    /// <summary>The name of a caller without a credential.</summary>
    public const string AnonymousName = "anonymous";

    /// <summary>The group whose members are admins whatever is bound (as in Kubernetes).</summary>
    public const string MastersGroup = "system:masters";

    /// <summary>The group of node certificates (<c>system:node:{name}</c>); the agent protocol's node authorizer governs them.</summary>
    public const string NodesGroup = "system:nodes";

    /// <summary>The group of server certificates (a server acting as a client of another), bound to <see cref="BuiltInRoles.Server"/>.</summary>
    public const string ServersGroup = "system:servers";

    /// <summary>A caller without a credential.</summary>
    public static CallerIdentity Anonymous { get; } = new(AnonymousName, [], IdentitySources.Anonymous);

    /// <summary>The role a token was created with (<c>berth token create --role</c>), bound to this caller everywhere; null for none.</summary>
    public string? TokenRole { get; init; }

    /// <summary>True when the caller presented no credential.</summary>
    public bool IsAnonymous => Source == IdentitySources.Anonymous;

    private static readonly object ItemKey = new();

    /// <summary>The caller of <paramref name="context"/>'s request; <see cref="Anonymous"/> before the middleware ran.</summary>
    public static CallerIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) && value is CallerIdentity identity ? identity : Anonymous;
    }

    /// <summary>Makes this the caller of <paramref name="context"/>'s request, and fills <see cref="HttpContext.User"/>.</summary>
    public void AttachTo(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ItemKey] = this;
        context.User = ToPrincipal();
    }

    /// <summary>A principal with the name and a role claim per group; unauthenticated for <see cref="Anonymous"/>.</summary>
    public ClaimsPrincipal ToPrincipal()
    {
        if (IsAnonymous)
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, Name) };
        claims.AddRange(Groups.Select(g => new Claim(ClaimTypes.Role, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Source, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary><c>user 'bob' (groups: dev, ops)</c>, for messages.</summary>
    public string Describe() => Groups.Count == 0 ? $"user '{Name}'" : $"user '{Name}' (groups: {string.Join(", ", Groups)})";
}
