using System.CommandLine;

namespace Berth.Cli.Commands;

/// <summary>Options shared by several commands, so they are spelled and described the same everywhere.</summary>
public static class CommonOptions
{
    /// <summary><c>-o, --output json|table</c> (default table).</summary>
    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "Output format: table or json",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "table";
            switch (text)
            {
                case "table":
                    return OutputFormat.Table;
                case "json":
                    return OutputFormat.Json;
                default:
                    result.AddError($"'{text}' is not an output format; use json or table");
                    return OutputFormat.Table;
            }
        },
    };

    /// <summary><c>-f, --file PATH</c>, required.</summary>
    public static Option<string> File(string description) => new("--file", "-f")
    {
        Description = description,
        Required = true,
    };
}
