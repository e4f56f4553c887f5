namespace Berth.Server.Nodes;

/// <summary>How the <see cref="NodeManager"/> judges node liveness (DESIGN.md, "Failure model"). Config section <c>Nodes</c>.</summary>
public sealed record NodeManagerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Nodes";

    /// <summary>
    /// <c>Nodes:HeartbeatGrace</c>: silence after which a node turns NotReady. Default 15 s: three missed beats of an
    /// agent beating every 5 s, so one lost beat or a slow store write does not flap the node.
    /// </summary>
    public TimeSpan HeartbeatGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <c>Nodes:LostGrace</c>: further silence, after turning NotReady, after which the node is lost and its replicas
    /// are released to be placed elsewhere. Default 15 s, so replicas move 30 s after the last heartbeat.
    /// </summary>
    public TimeSpan LostGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <c>Nodes:CheckInterval</c>: how often the server calls <see cref="NodeManager.CheckAsync"/>. Default 5 s: a node
    /// is then declared at most 5 s late; it must be shorter than either grace.
    /// </summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>Nodes:MaxAttempts</c>: how often one operation re-reads and retries after a concurrent write made its
    /// transaction's compares fail, before giving up. Default 5.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// <c>Nodes:HeartbeatBatchWindow</c>: how long the first heartbeat of a batch waits for others to share its store
    /// transaction (<see cref="HeartbeatBatcher"/>). Default 100 ms: at 5,000 nodes beating every 2 s a window holds
    /// 250 beats, so batches fill to <see cref="HeartbeatBatchSize"/>; a beat is recorded at most this much later, far
    /// inside <see cref="HeartbeatGrace"/>.
    /// </summary>
    public TimeSpan HeartbeatBatchWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// <c>Nodes:HeartbeatBatchSize</c>: most nodes whose heartbeats share one transaction, 1 to
    /// <see cref="HeartbeatBatcher.MaxBatchSize"/> (64: two reads per node stay within etcd's default 128 operations
    /// per transaction). Default 64.
    /// </summary>
    public int HeartbeatBatchSize { get; init; } = HeartbeatBatcher.MaxBatchSize;

    /// <summary>Throws when a value is out of range; the message names the config key.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (HeartbeatGrace <= TimeSpan.Zero)
        {
            throw new ArgumentException(NodeMessages.NotPositive(SectionName + ":" + nameof(HeartbeatGrace), HeartbeatGrace));
        }
        if (LostGrace <= TimeSpan.Zero)
        {
            throw new ArgumentException(NodeMessages.NotPositive(SectionName + ":" + nameof(LostGrace), LostGrace));
        }
        if (CheckInterval <= TimeSpan.Zero || CheckInterval >= HeartbeatGrace || CheckInterval >= LostGrace)
        {
            throw new ArgumentException(NodeMessages.CheckIntervalOutOfRange(SectionName + ":" + nameof(CheckInterval), CheckInterval, HeartbeatGrace, LostGrace));
        }
        if (HeartbeatBatchWindow <= TimeSpan.Zero || HeartbeatBatchWindow >= HeartbeatGrace)
        {
            throw new ArgumentException(NodeMessages.BatchWindowOutOfRange(SectionName + ":" + nameof(HeartbeatBatchWindow), HeartbeatBatchWindow, HeartbeatGrace));
        }
        if (HeartbeatBatchSize is < 1 or > HeartbeatBatcher.MaxBatchSize)
        {
            throw new ArgumentException(NodeMessages.BatchSizeOutOfRange(SectionName + ":" + nameof(HeartbeatBatchSize), HeartbeatBatchSize, HeartbeatBatcher.MaxBatchSize));
        }
        if (MaxAttempts < 1)
        {
            throw new ArgumentException(NodeMessages.AttemptsOutOfRange(SectionName + ":" + nameof(MaxAttempts), MaxAttempts));
        }
    }
}
