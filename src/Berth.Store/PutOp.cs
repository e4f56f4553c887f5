namespace Berth.Store;

/// <summary>Writes a value; creates the key or bumps its version. Build with <see cref="TxnOp.Put"/>.</summary>
/// <param name="Key">The key written.</param>
/// <param name="Value">The new value.</param>
/// <param name="LeaseId">Lease to attach the key to (0: none; a put without a lease detaches the key from any lease).</param>
public sealed record PutOp(string Key, ReadOnlyMemory<byte> Value, long LeaseId) : TxnOp;
