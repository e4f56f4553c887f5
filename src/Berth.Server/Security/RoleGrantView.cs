using Berth.Core.Specs;

namespace Berth.Server.Security;

/// <summary>A role the caller holds, as <c>GET /v1/whoami</c> answers it, with the rules it brings (so a UI can hide what is refused).</summary>
/// <param name="Role">The role's name.</param>
/// <param name="Via">What gave it: <c>rolebinding/NAME</c>, <c>token</c>, <c>group/system:masters</c> or <c>open mode</c>.</param>
/// <param name="Namespaces">The namespaces the binding restricts it to; empty: wherever its rules reach.</param>
/// <param name="Rules">The role's rules; empty when it names no existing role.</param>
public sealed record RoleGrantView(string Role, string Via, IReadOnlyList<string> Namespaces, IReadOnlyList<RoleRule> Rules);
