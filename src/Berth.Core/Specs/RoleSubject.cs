namespace Berth.Core.Specs;

/// <summary>A user or group a <see cref="RoleBindingSpec"/> gives its role to.</summary>
/// <param name="Kind">User or Group.</param>
/// <param name="Name">The user's or group's name.</param>
public sealed record RoleSubject(SubjectKind Kind, string Name);
