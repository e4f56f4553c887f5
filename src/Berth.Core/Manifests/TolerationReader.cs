using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads tolerations (<c>{key, operator, value, effect, tolerationSeconds}</c>) with Kubernetes' rules.</summary>
public static class TolerationReader
{
    /// <summary>A list of tolerations; empty when absent.</summary>
    public static IReadOnlyList<Toleration> ReadList(ManifestNode? node) => [.. (node?.Items() ?? []).Select(Read)];

    /// <summary>One toleration. The operator defaults to Equal; an empty key requires Exists; Exists takes no value.</summary>
    public static Toleration Read(ManifestNode node)
    {
        node.ExpectFields("key", "operator", "value", "effect", "tolerationSeconds");
        var key = node.String("key", "")!;
        if (key.Length > 0 && ManifestNames.ValidateLabelKey(key) is { } keyError)
        {
            node.RequiredField("key").Fail(keyError);
        }
        var op = node.Field("operator")?.AsEnum<TolerationOperator>() ?? TolerationOperator.Equal;
        var value = node.String("value", "")!;
        if (key.Length == 0 && op != TolerationOperator.Exists)
        {
            throw new ManifestException(node.ChildPath("operator"), "must be Exists when the key is empty (to tolerate every taint)");
        }
        if (op == TolerationOperator.Exists && value.Length > 0)
        {
            node.RequiredField("value").Fail("must be empty when the operator is Exists");
        }
        var effectNode = node.Field("effect");
        TaintEffect? effect = effectNode is null || effectNode.AsString().Length == 0 ? null : effectNode.AsEnum<TaintEffect>();
        if (node.Field("tolerationSeconds") is { } seconds)
        {
            seconds.AsLong();
            if (effect != TaintEffect.NoExecute)
            {
                seconds.Fail("only applies with effect NoExecute");
            }
        }
        return new Toleration(key, op, value, effect);
    }
}
