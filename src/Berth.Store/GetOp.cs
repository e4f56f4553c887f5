namespace Berth.Store;

/// <summary>Reads keys inside a transaction, seeing the branch's earlier writes. Build with <see cref="TxnOp.Get(string)"/>.</summary>
/// <param name="Range">The keys to read.</param>
/// <param name="Limit">Maximum entries returned (0: all).</param>
public sealed record GetOp(KeyRange Range, long Limit) : TxnOp;
