namespace Berth.Core.Specs;

/// <summary>
/// One rule of a <see cref="RoleSpec"/>: it allows each of <see cref="Verbs"/> on each of <see cref="Kinds"/> in each of
/// <see cref="Namespaces"/>. <see cref="Wildcard"/> in a list matches every value.
/// </summary>
/// <param name="Verbs">API verbs, e.g. <c>get</c>, <c>list</c>, <c>apply</c>, or <c>*</c>.</param>
/// <param name="Kinds">API plurals, e.g. <c>workloads</c>, <c>nodes</c>, or <c>*</c>.</param>
/// <param name="Namespaces">Namespaces the rule reaches, or <c>*</c> (the default) for all and for cluster-wide kinds.</param>
public sealed record RoleRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> Kinds, IReadOnlyList<string> Namespaces)
{
    /// <summary>The value that matches every verb, kind or namespace.</summary>
    public const string Wildcard = "*";

    /// <summary>True when the rule allows <paramref name="verb"/> on <paramref name="kind"/> in <paramref name="ns"/> (empty: cluster-wide or across all namespaces, which only <c>*</c> reaches).</summary>
    public bool Allows(string verb, string kind, string ns) =>
        Matches(Verbs, verb) && Matches(Kinds, kind) && (Namespaces.Contains(Wildcard) || ns.Length > 0 && Namespaces.Contains(ns));

    private static bool Matches(IReadOnlyList<string> values, string value) => values.Contains(Wildcard) || values.Contains(value);
}
