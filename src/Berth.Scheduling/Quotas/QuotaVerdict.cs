namespace Berth.Scheduling.Quotas;

/// <summary>What a namespace's quotas say about a request: refused, or admitted within the guarantee, or as burst.</summary>
/// <param name="Refusal">Set when a limit refuses the request.</param>
/// <param name="Burst">True when admitted but above a soft limit: placed only on idle capacity, first to be preempted.</param>
public sealed record QuotaVerdict(QuotaRefusal? Refusal, bool Burst)
{
    /// <summary>Admitted within every soft limit (or the namespace has none).</summary>
    public static readonly QuotaVerdict Guaranteed = new(null, false);

    /// <summary>Admitted above a soft limit, within its burst ceiling.</summary>
    public static readonly QuotaVerdict Bursting = new(null, true);

    /// <summary>True when no limit refuses.</summary>
    public bool IsAdmitted => Refusal is null;
}
