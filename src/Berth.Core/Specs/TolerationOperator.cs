namespace Berth.Core.Specs;

/// <summary>How a toleration matches a taint's value.</summary>
public enum TolerationOperator
{
    /// <summary>The taint's value must equal the toleration's value.</summary>
    Equal,
    /// <summary>Any value matches (the toleration must not give one).</summary>
    Exists,
}
