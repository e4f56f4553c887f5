namespace Berth.Store;

/// <summary>Deletes every existing key in a range. Build with <see cref="TxnOp.Delete(string)"/>.</summary>
/// <param name="Range">The keys to delete.</param>
public sealed record DeleteOp(KeyRange Range) : TxnOp;
