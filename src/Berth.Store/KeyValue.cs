namespace Berth.Store;

/// <summary>One key's entry, as etcd's <c>mvccpb.KeyValue</c>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes (empty in a delete event).</param>
/// <param name="CreateRevision">Revision of the put that created the key since it last did not exist (0 in a delete event).</param>
/// <param name="ModRevision">Revision of the last change to the key (in a delete event: the delete's revision).</param>
/// <param name="Version">Number of puts since the key was created: 1 after creation, 0 in a delete event.</param>
/// <param name="Lease">Id of the lease the key is attached to, or 0.</param>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version, long Lease);
