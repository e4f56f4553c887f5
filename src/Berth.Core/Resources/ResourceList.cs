using System.Collections;
using System.Collections.Immutable;

namespace Berth.Core.Resources;

/// <summary>An immutable map of resource names to quantities, e.g. <c>{cpu: 500m, memory: 1Gi}</c>.</summary>
public sealed class ResourceList : IReadOnlyDictionary<string, Quantity>, IEquatable<ResourceList>
{
    private readonly ImmutableSortedDictionary<string, Quantity> _items;

    /// <summary>The empty list.</summary>
    public static readonly ResourceList Empty = new(ImmutableSortedDictionary<string, Quantity>.Empty.WithComparers(StringComparer.Ordinal));

    private ResourceList(ImmutableSortedDictionary<string, Quantity> items) => _items = items;

    /// <summary>Builds a list from pairs; later pairs win.</summary>
    public static ResourceList From(IEnumerable<KeyValuePair<string, Quantity>> items)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, quantity) in items)
        {
            builder[name] = quantity;
        }
        return new ResourceList(builder.ToImmutable());
    }

    /// <summary>Builds a list from name/notation pairs, e.g. <c>("cpu", "500m")</c>.</summary>
    public static ResourceList Parse(params (string Name, string Amount)[] items) =>
        From(items.Select(i => KeyValuePair.Create(i.Name, Quantity.Parse(i.Amount))));

    /// <summary>The quantity of a resource, zero when absent.</summary>
    public Quantity Get(string name) => _items.TryGetValue(name, out var q) ? q : Quantity.Zero;

    /// <summary>The amount in scheduling units (see <see cref="ResourceNames.ToSchedulingUnits"/>), zero when absent.</summary>
    public long Units(string name) => ResourceNames.ToSchedulingUnits(name, Get(name));

    /// <summary>Returns a list with one resource set.</summary>
    public ResourceList With(string name, Quantity quantity) => new(_items.SetItem(name, quantity));

    /// <inheritdoc />
    public Quantity this[string key] => _items[key];
    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Keys;
    /// <inheritdoc />
    public IEnumerable<Quantity> Values => _items.Values;
    /// <inheritdoc />
    public int Count => _items.Count;
    /// <inheritdoc />
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    /// <inheritdoc />
    public bool TryGetValue(string key, out Quantity value) => _items.TryGetValue(key, out value);
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Quantity>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ResourceList? other) =>
        other is not null && other.Count == Count && _items.All(kv => other.TryGetValue(kv.Key, out var q) && q.Amount == kv.Value.Amount);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ResourceList);
    /// <inheritdoc />
    public override int GetHashCode() => Count;
    /// <summary>Formats as <c>{cpu: 500m, memory: 1Gi}</c>-like text.</summary>
    public override string ToString() => "{" + string.Join(", ", _items.Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}
