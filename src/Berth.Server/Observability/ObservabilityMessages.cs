namespace Berth.Server.Observability;

/// <summary>User-visible messages of the observability options.</summary>
public static class ObservabilityMessages
{
    /// <summary>A log format that is not known.</summary>
    public static string UnknownLogFormat(string value) =>
        $"--log-format '{value}' is not a log format; use {string.Join(" or ", ConsoleLogFormat.All)}";
}
