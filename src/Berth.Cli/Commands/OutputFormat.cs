namespace Berth.Cli.Commands;

/// <summary>How a command prints its result (<c>-o</c>).</summary>
public enum OutputFormat
{
    /// <summary>Tables for people.</summary>
    Table,
    /// <summary>JSON for programs.</summary>
    Json,
    /// <summary>Tables with more columns.</summary>
    Wide,
    /// <summary>YAML for people and programs.</summary>
    Yaml,
}
