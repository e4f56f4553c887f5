using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Observability;

/// <summary>The console log formats of <c>berth server --log-format</c>.</summary>
public static class ConsoleLogFormat
{
    /// <summary>One readable line (or two) per entry: the default.</summary>
    public const string Simple = "simple";

    /// <summary>One JSON object per line, with the entry's properties and scopes (the correlation id among them).</summary>
    public const string Json = "json";

    /// <summary>Every format, as <c>--log-format</c> accepts them.</summary>
    public static IReadOnlyList<string> All { get; } = [Simple, Json];

    /// <summary>Switches the console logger to <paramref name="format"/> (<see cref="Simple"/> keeps the default).</summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not one of <see cref="All"/>.</exception>
    public static void Use(ILoggingBuilder logging, string format)
    {
        ArgumentNullException.ThrowIfNull(logging);
        switch (format)
        {
            case Simple:
                return;
            case Json:
                logging.AddJsonConsole(json =>
                {
                    json.IncludeScopes = true;
                    json.UseUtcTimestamp = true;
                    json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffZ";
                    json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
                });
                return;
            default:
                throw new ArgumentException(ObservabilityMessages.UnknownLogFormat(format), nameof(format));
        }
    }
}
