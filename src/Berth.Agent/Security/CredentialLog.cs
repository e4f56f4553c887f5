using Microsoft.Extensions.Logging;

namespace Berth.Agent.Security;

/// <summary>Log messages of the agent's node certificate.</summary>
internal static partial class CredentialLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "node {Node}: joined {Server}; certificate valid until {NotAfter:u}, renewed from {RenewAt:u}")]
    public static partial void Joined(ILogger logger, string node, string server, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "node {Node}: reusing the certificate in {Directory}, valid until {NotAfter:u}")]
    public static partial void Reused(ILogger logger, string node, string directory, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "node {Node}: certificate renewed; valid until {NotAfter:u}, renewed again from {RenewAt:u}")]
    public static partial void Renewed(ILogger logger, string node, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "node {Node}: renewing the certificate failed ({Reason}); trying again in {RetrySeconds:0.#} s, it expires {NotAfter:u}")]
    public static partial void RenewalFailed(ILogger logger, string node, string reason, double retrySeconds, DateTimeOffset notAfter);
}
