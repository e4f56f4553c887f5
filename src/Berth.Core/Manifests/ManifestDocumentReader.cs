using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>
/// Reads the objects of a manifest text (<c>berth apply -f</c>): YAML documents separated by <c>---</c>, or one JSON
/// object, or a JSON (or YAML) list of objects. Checks each envelope; each kind's reader then reads the spec.
/// </summary>
/// <remarks>
/// When the text holds several objects, every error path starts with the object's index, e.g.
/// <c>[1].spec.containers[0].resources.requests.cpu</c>; with one object paths start at its fields (<c>spec.replicas</c>).
/// Empty YAML documents (a stray <c>---</c>) are skipped but keep their place in the numbering, so an index is always
/// the document's position in the file.
/// </remarks>
public static class ManifestDocumentReader
{
    /// <summary>Reads every object of a text.</summary>
    /// <exception cref="ManifestException">The text is malformed, holds no object, or an envelope is wrong; the message names the path.</exception>
    public static IReadOnlyList<ManifestDocument> ReadAll(string text)
    {
        var roots = ManifestNode.ParseAll(text);
        if (roots.Count == 1 && roots[0].IsSequence)
        {
            // A list of objects: Items() already names them [0], [1], …
            roots = roots[0].Items();
            if (roots.Count == 1)
            {
                roots = [roots[0].WithPath("")];
            }
        }
        else if (roots.Count > 1)
        {
            roots = [.. roots.Select((root, i) => root.WithPath($"[{i}]"))];
        }
        var documents = new List<ManifestDocument>(roots.Count);
        var seen = new Dictionary<(string Kind, string Key), string>();
        foreach (var root in roots)
        {
            if (root.IsNull)
            {
                continue;
            }
            var document = Read(root);
            var namePath = root.RequiredField("metadata").ChildPath("name");
            if (!seen.TryAdd((document.Kind, document.Key), namePath))
            {
                throw new ManifestException(namePath,
                    $"{document.Kind} '{document.Key}' is given twice in this text (first at {seen[(document.Kind, document.Key)]}); give each object once");
            }
            documents.Add(document);
        }
        if (documents.Count == 0)
        {
            throw new ManifestException("", "no objects found; a manifest needs apiVersion, kind, metadata and spec (spec/manifests.md)");
        }
        return documents;
    }

    /// <summary>Reads the envelope of one object.</summary>
    /// <exception cref="ManifestException">The envelope is wrong; the message names the path.</exception>
    public static ManifestDocument Read(ManifestNode root)
    {
        if (!root.IsMapping)
        {
            root.Fail("expected an object with apiVersion, kind, metadata and spec");
        }
        root.ExpectFields("apiVersion", "kind", "metadata", "spec");
        var apiVersionNode = root.RequiredField("apiVersion");
        var apiVersion = apiVersionNode.AsString();
        if (apiVersion != ManifestKinds.ApiVersion)
        {
            apiVersionNode.Fail($"'{apiVersion}' is not supported; use {ManifestKinds.ApiVersion}");
        }
        var kind = ReadKind(root.RequiredField("kind"));
        var metadata = root.RequiredField("metadata").ExpectFields("name", "namespace", "labels");
        var name = metadata.RequiredField("name").AsDnsLabel();
        var ns = metadata.Field("namespace")?.AsDnsLabel() ?? WorkloadSpec.DefaultNamespace;
        var labels = LabelsReader.Read(metadata.Field("labels"));
        return new ManifestDocument(apiVersion, kind, name, ns, labels, root.RequiredField("spec"), root);
    }

    private static string ReadKind(ManifestNode node)
    {
        var kind = node.AsString();
        if (ManifestKinds.Supported.Contains(kind, StringComparer.Ordinal))
        {
            return kind;
        }
        var supported = string.Join(", ", ManifestKinds.Supported);
        if (ManifestKinds.NotYetSupported.TryGetValue(kind, out var issue))
        {
            node.Fail($"kind '{kind}' is not supported yet ({issue}); supported kinds: {supported}");
        }
        throw node.Error($"unknown kind '{kind}'; use one of {supported}");
    }
}
