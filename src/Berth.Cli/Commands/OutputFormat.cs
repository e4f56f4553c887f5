namespace Berth.Cli.Commands;

/// <summary>How a command prints its result (<c>-o</c>).</summary>
public enum OutputFormat
{
    /// <summary>Tables for people.</summary>
    Table,
    /// <summary>JSON for programs.</summary>
    Json,
}
