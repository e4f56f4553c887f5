namespace Berth.Store;

/// <summary>The outcome of <see cref="IKeyValueStore.TxnAsync"/>.</summary>
/// <param name="Succeeded">True when every compare held and the success branch ran; false when the failure branch ran.</param>
/// <param name="Revision">The store revision after the transaction (the new revision if it wrote, else the current one).</param>
/// <param name="Responses">One response per operation of the branch that ran.</param>
public sealed record TxnResult(bool Succeeded, long Revision, IReadOnlyList<TxnOpResult> Responses);
