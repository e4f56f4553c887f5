using Microsoft.Extensions.Logging;

namespace Berth.Server.Security;

/// <summary>Log messages of TLS and the insecure mode.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning,
        Message = "--insecure: serving plain HTTP without TLS or client certificates on {Addresses}; anyone who reaches these addresses can act as any node. Use --tls-dir (berth tls init) outside a trusted network")]
    public static partial void Insecure(ILogger logger, string addresses);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "TLS on: HTTPS with client certificates validated against {Ca}; node certificates live {NodeCertificateTtl}")]
    public static partial void TlsOn(ILogger logger, string ca, TimeSpan nodeCertificateTtl);
}
