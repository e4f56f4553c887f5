using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>The security part's log messages.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Could not append the audit entry of {Route} by {User}")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, string route, string user);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Authorization mode {Mode}")]
    public static partial void Mode(ILogger logger, AuthorizationMode mode);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Dropped {Count} audit entries older than {Cutoff:O}")]
    public static partial void AuditPruned(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Could not drop old audit entries; the next pass tries again")]
    public static partial void AuditPruneFailed(ILogger logger, Exception exception);
}
