namespace Berth.Store;

/// <summary>A live lease.</summary>
/// <param name="Id">Lease id, never 0; pass it to puts, <see cref="IKeyValueStore.KeepAliveAsync"/> and <see cref="IKeyValueStore.RevokeLeaseAsync"/>.</param>
/// <param name="Ttl">Time to live granted, restarted by each keep-alive.</param>
/// <param name="ExpiresAt">When the lease ends unless kept alive, on the store's clock.</param>
public sealed record LeaseGrant(long Id, TimeSpan Ttl, DateTimeOffset ExpiresAt);
