namespace Berth.Core.Manifests;

/// <summary>
/// A manifest or scenario that cannot be read: names the field path and what is wrong, e.g.
/// <c>workloads[2].affinity.nodeAffinity.foo: unknown field</c>.
/// </summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the error for a field path (empty for the document itself) and a problem description.</summary>
    public ManifestException(string path, string problem)
        : base(path.Length == 0 ? problem : $"{path}: {problem}")
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The field path, e.g. <c>nodes[0].allocatable.cpu</c>; empty for the document as a whole.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
