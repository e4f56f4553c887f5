using Microsoft.Extensions.Logging;

namespace Berth.Cli.Commands.Dev;

/// <summary>
/// Writes log entries as single lines prefixed with their source (<c>server | info: Category[1] text</c>), so the
/// server's lines in the <c>berth dev</c> terminal read like the agents' (<see cref="AgentChildProcess"/>).
/// </summary>
internal sealed class PrefixedLogWriter(TextWriter output, string prefix, LogLevel minimum) : ILoggerProvider
{
    private readonly TextWriter _output = output;
    private readonly string _prefix = prefix;
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class LineLogger(PrefixedLogWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= writer._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var text = formatter(state, exception).ReplaceLineEndings(" ");
            var line = $"{writer._prefix} | {Level(logLevel)}: {category}[{eventId.Id}] {text}";
            if (exception is not null)
            {
                line += " " + exception.ToString().ReplaceLineEndings(" ");
            }
            writer._output.WriteLine(line);
        }
    }
}
