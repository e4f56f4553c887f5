using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Manifests;

namespace Berth.Server.State;

/// <summary>
/// A kind of object that <c>berth apply -f</c> stores besides workloads (e.g. <c>PriorityClass</c>, <c>Quota</c>,
/// <c>Reservation</c>): how its manifest is read, where it is stored and how its spec is written and read back. The
/// kinds live in <see cref="ObjectKinds"/>; apply, delete, the list API and the cluster cache handle them all alike.
/// </summary>
public sealed class ObjectKind
{
    private readonly Func<ManifestDocument, object> _read;
    private readonly JsonTypeInfo _typeInfo;
    private Func<object, object>? _shown;

    /// <summary>Creates a kind whose spec is a <typeparamref name="TSpec"/> read from a manifest by <paramref name="read"/>.</summary>
    /// <param name="kind">The manifest kind, e.g. <c>Quota</c>.</param>
    /// <param name="plural">The lower-case plural used in keys, URLs and <c>berth get</c>, e.g. <c>quotas</c>.</param>
    /// <param name="namespaced">Whether objects of the kind live in a namespace (false: cluster-wide, like a priority class).</param>
    /// <param name="read">Reads and validates a document of the kind; throws <see cref="ManifestException"/> naming the field.</param>
    public static ObjectKind Of<TSpec>(string kind, string plural, bool namespaced, Func<ManifestDocument, TSpec> read)
        where TSpec : class
    {
        ArgumentNullException.ThrowIfNull(read);
        return new ObjectKind(kind, plural, namespaced, document => read(document), StateSerializer.Options.GetTypeInfo(typeof(TSpec)));
    }

    /// <summary>
    /// Like <see cref="Of{TSpec}(string, string, bool, Func{ManifestDocument, TSpec})"/>, for a kind whose stored spec holds
    /// what must not be shown (a secret): <paramref name="shown"/> gives the spec that listings show instead.
    /// </summary>
    public static ObjectKind Hiding<TSpec>(string kind, string plural, bool namespaced, Func<ManifestDocument, TSpec> read, Func<TSpec, TSpec> shown)
        where TSpec : class
    {
        ArgumentNullException.ThrowIfNull(shown);
        var objectKind = Of(kind, plural, namespaced, read);
        objectKind._shown = spec => shown((TSpec)spec);
        return objectKind;
    }

    private ObjectKind(string kind, string plural, bool namespaced, Func<ManifestDocument, object> read, JsonTypeInfo typeInfo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(plural);
        Kind = kind;
        Plural = plural;
        Namespaced = namespaced;
        _read = read;
        _typeInfo = typeInfo;
    }

    /// <summary>The manifest kind, e.g. <c>Quota</c>.</summary>
    public string Kind { get; }

    /// <summary>The lower-case plural used in keys, URLs and <c>berth get</c>.</summary>
    public string Plural { get; }

    /// <summary>Whether objects of the kind live in a namespace.</summary>
    public bool Namespaced { get; }

    /// <summary>The spec's type.</summary>
    public Type SpecType => _typeInfo.Type;

    /// <summary>Reads a document of this kind into the object to store.</summary>
    /// <exception cref="ManifestException">The spec is wrong; the message names the field path.</exception>
    public StoredObject Read(ManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var spec = _read(document);
        // A cluster-wide object has no namespace, whatever metadata.namespace said (it defaults to "default").
        var ns = Namespaced ? document.Namespace : "";
        return new StoredObject(this, ns, document.Name, spec);
    }

    /// <summary>The stored bytes of a spec of this kind.</summary>
    public byte[] Serialize(object spec) => JsonSerializer.SerializeToUtf8Bytes(spec, _typeInfo);

    /// <summary>Reads stored bytes back into a spec of this kind.</summary>
    /// <exception cref="JsonException">The bytes are not a spec of this kind.</exception>
    public object Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, _typeInfo) ?? throw new JsonException(StateMessages.NullRecord(Kind));

    /// <summary>The stored bytes of a spec as listings show them: the same, or without what the kind hides (a secret).</summary>
    public ReadOnlyMemory<byte> Shown(ReadOnlyMemory<byte> stored) =>
        _shown is null ? stored : Serialize(_shown(Deserialize(stored.Span)));

    /// <inheritdoc/>
    public override string ToString() => Kind;
}
