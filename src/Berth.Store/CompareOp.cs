namespace Berth.Store;

/// <summary>How a <see cref="Compare"/> relates the key's field to the expected operand.</summary>
public enum CompareOp
{
    /// <summary>Field equals the operand.</summary>
    Equal,

    /// <summary>Field differs from the operand.</summary>
    NotEqual,

    /// <summary>Field is greater than the operand.</summary>
    Greater,

    /// <summary>Field is less than the operand.</summary>
    Less,
}
