namespace Berth.Server.State;

/// <summary>One applied object of an <see cref="ObjectKind"/>: its identity and its spec.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace; empty for a cluster-wide kind.</param>
/// <param name="Name">The name.</param>
/// <param name="Spec">The spec, of the kind's <see cref="ObjectKind.SpecType"/>.</param>
public sealed record StoredObject(ObjectKind Kind, string Namespace, string Name, object Spec)
{
    /// <summary>The store key, <c>/objects/{plural}/{namespace}/{name}</c> or <c>/objects/{plural}/{name}</c>.</summary>
    public string Key => KeyLayout.Object(Kind, Namespace, Name);

    /// <summary><c>namespace/name</c>, or the name alone for a cluster-wide kind, as users write it.</summary>
    public string Subject => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";

    /// <summary>The spec as <typeparamref name="TSpec"/>.</summary>
    public TSpec SpecAs<TSpec>()
        where TSpec : class =>
        Spec as TSpec ?? throw new InvalidCastException(StateMessages.WrongObjectSpec(Kind.Kind, typeof(TSpec).Name));
}
