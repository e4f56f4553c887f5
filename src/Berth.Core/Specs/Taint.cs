namespace Berth.Core.Specs;

/// <summary>A mark on a node that repels replicas without a matching toleration.</summary>
public sealed record Taint(string Key, string Value, TaintEffect Effect)
{
    /// <summary>Formats as Kubernetes does in scheduling messages: <c>{key: value}</c>.</summary>
    public override string ToString() => $"{{{Key}: {Value}}}";
}
