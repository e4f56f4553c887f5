namespace Berth.Core.Specs;

/// <summary>Whom a <see cref="RoleSubject"/> names.</summary>
public enum SubjectKind
{
    /// <summary>One user, by the name a token or a client certificate's CN gives.</summary>
    User,

    /// <summary>Every member of a group, as a token's groups or a client certificate's O give them.</summary>
    Group,
}
