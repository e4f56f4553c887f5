namespace Berth.Server.Security;

/// <summary>One document of a manifest as authorization sees it.</summary>
/// <param name="Kind">The kind's API plural, e.g. <c>workloads</c>.</param>
/// <param name="Namespace">Its namespace; empty for a cluster-wide kind.</param>
/// <param name="Name">Its name.</param>
public sealed record ManifestTarget(string Kind, string Namespace, string Name);
