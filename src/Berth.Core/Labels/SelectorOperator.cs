namespace Berth.Core.Labels;

/// <summary>How a selector requirement compares a label's value with its values.</summary>
public enum SelectorOperator
{
    /// <summary>The label exists and its value is one of the values.</summary>
    In,
    /// <summary>The label is absent, or its value is none of the values.</summary>
    NotIn,
    /// <summary>The label exists, whatever its value.</summary>
    Exists,
    /// <summary>The label is absent.</summary>
    DoesNotExist,
    /// <summary>The label's value, read as an integer, is greater than the single value (node selectors only).</summary>
    Gt,
    /// <summary>The label's value, read as an integer, is less than the single value (node selectors only).</summary>
    Lt,
}
