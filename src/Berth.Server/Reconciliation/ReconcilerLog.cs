using Microsoft.Extensions.Logging;

namespace Berth.Server.Reconciliation;

/// <summary>The reconciler's log messages (source-generated).</summary>
internal static partial class ReconcilerLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Reconciled {WorkloadId} replica {Replica}: {Case} → {Action} {Result} {Detail}")]
    public static partial void Action(ILogger logger, string workloadId, int? replica, ReconcileCase @case, ReconcileAction action, ReconcileResult result, string detail);

}
