namespace Berth.Core.Specs;

/// <summary>Lets a replica be placed on nodes with a matching taint.</summary>
/// <param name="Key">Empty with <see cref="TolerationOperator.Exists"/> tolerates every key.</param>
/// <param name="Effect">Null tolerates every effect.</param>
public sealed record Toleration(string Key, TolerationOperator Operator, string Value, TaintEffect? Effect)
{
    /// <summary>True when this toleration tolerates the taint, with Kubernetes' <c>ToleratesTaint</c> semantics.</summary>
    public bool Tolerates(Taint taint)
    {
        if (Effect is { } effect && effect != taint.Effect)
        {
            return false;
        }
        if (Key.Length > 0 && !string.Equals(Key, taint.Key, StringComparison.Ordinal))
        {
            return false;
        }
        return Operator switch
        {
            TolerationOperator.Exists => true,
            TolerationOperator.Equal => string.Equals(Value, taint.Value, StringComparison.Ordinal),
            _ => false,
        };
    }
}
