namespace Berth.Core.Manifests;

/// <summary>
/// One object of a manifest file: the envelope (<c>apiVersion</c>, <c>kind</c>, <c>metadata</c>) checked and read, and
/// its <c>spec</c> left to the reader of its kind (e.g. <see cref="WorkloadManifestReader"/>).
/// </summary>
/// <param name="ApiVersion">Always <see cref="ManifestKinds.ApiVersion"/>.</param>
/// <param name="Kind">One of <see cref="ManifestKinds.Supported"/>.</param>
/// <param name="Name"><c>metadata.name</c>, a DNS-1123 label.</param>
/// <param name="Namespace"><c>metadata.namespace</c>, a DNS-1123 label; <c>default</c> when omitted.</param>
/// <param name="Labels"><c>metadata.labels</c>; empty when omitted.</param>
/// <param name="Spec">The <c>spec</c> node, whose errors name paths such as <c>[1].spec.replicas</c>.</param>
/// <param name="Root">The whole document's node, for errors about the document itself.</param>
public sealed record ManifestDocument(
    string ApiVersion,
    string Kind,
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, string> Labels,
    ManifestNode Spec,
    ManifestNode Root)
{
    /// <summary><c>namespace/name</c>.</summary>
    public string Key => $"{Namespace}/{Name}";
}
