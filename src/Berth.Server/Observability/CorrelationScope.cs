using Microsoft.Extensions.Logging;

namespace Berth.Server.Observability;

/// <summary>
/// Logging scopes that give every log line of one HTTP request, or of one placement decision, the same
/// <c>CorrelationId</c> property (written by the JSON console format into the line's <c>Scopes</c>).
/// </summary>
public static class CorrelationScope
{
    /// <summary>The request and response header that carries a request's correlation id.</summary>
    public const string Header = "X-Correlation-Id";

    /// <summary>The longest correlation id taken from a request; a longer one is replaced by a fresh id.</summary>
    public const int MaxLength = 128;

    private static readonly Func<ILogger, string, IDisposable?> Request =
        LoggerMessage.DefineScope<string>("Request {CorrelationId}");

    private static readonly Func<ILogger, string, string, IDisposable?> Decision =
        LoggerMessage.DefineScope<string, string>("Decision {CorrelationId} on {WorkloadId}");

    /// <summary>A fresh correlation id: 32 lower-case hex digits.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// True when <paramref name="id"/> can be echoed and logged as it is: 1 to <see cref="MaxLength"/> ASCII letters,
    /// digits, '-', '_', '.' or ':' (what trace and request ids use); anything else could forge log content or headers.
    /// </summary>
    public static bool IsUsable(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }
        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Begins the scope of one HTTP request with correlation id <paramref name="id"/>.</summary>
    public static IDisposable? BeginRequest(ILogger logger, string id)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return Request(logger, id);
    }

    /// <summary>Begins the scope of one placement decision on <paramref name="workload"/>, with a fresh correlation id.</summary>
    public static IDisposable? BeginDecision(ILogger logger, string workload)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return Decision(logger, NewId(), workload);
    }
}
