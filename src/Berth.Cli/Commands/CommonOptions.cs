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

    /// <summary><c>-o, --output table|wide|json|yaml</c> (default table), for commands that show server resources.</summary>
    public static Option<OutputFormat> ResourceOutput() => new("--output", "-o")
    {
        Description = "Output format: table, wide, json or yaml",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "table";
            switch (text)
            {
                case "table":
                    return OutputFormat.Table;
                case "wide":
                    return OutputFormat.Wide;
                case "json":
                    return OutputFormat.Json;
                case "yaml":
                    return OutputFormat.Yaml;
                default:
                    result.AddError($"--output '{text}' is not an output format; use table, wide, json or yaml");
                    return OutputFormat.Table;
            }
        },
    };

    /// <summary><c>--server URL</c>: the Berth server; else <c>BERTH_ADDR</c>, else the config file, else the default.</summary>
    public static Option<string?> Server() => new("--server", "-s")
    {
        Description = "Address of the Berth server, e.g. http://127.0.0.1:7070 (else BERTH_ADDR, else server: in ~/.config/berth/config.yaml)",
    };

    /// <summary><c>-n, --namespace NS</c> (default <c>default</c>).</summary>
    public static Option<string?> Namespace() => new("--namespace", "-n")
    {
        Description = "Namespace of the workload (default: default)",
    };
}
