using System.CommandLine;

namespace Berth.Cli.Commands;

/// <summary>Options shared by several commands, so they are spelled and described the same everywhere.</summary>
public static class CommonOptions
{
    /// <summary><c>-o, --output json|table</c> (default table), for what-if output.</summary>
    public static Option<OutputFormat> Output() => OutputOf(OutputFormat.Json, OutputFormat.Table);

    /// <summary><c>-f, --file PATH</c>, required.</summary>
    public static Option<string> File(string description) => new("--file", "-f")
    {
        Description = description,
        Required = true,
    };

    /// <summary><c>-o, --output table|wide|json|yaml</c> (default table), for commands that show server resources.</summary>
    public static Option<OutputFormat> ResourceOutput() => OutputOf(OutputFormat.Table, OutputFormat.Wide, OutputFormat.Json, OutputFormat.Yaml);

    /// <summary>An <c>-o, --output</c> option accepting the given formats, by their lower-case names; table by default.</summary>
    private static Option<OutputFormat> OutputOf(params OutputFormat[] formats)
    {
        var names = string.Join(", ", formats.Select(f => f.ToString().ToLowerInvariant()));
        return new("--output", "-o")
        {
            Description = $"Output format: {names}",
            DefaultValueFactory = _ => OutputFormat.Table,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "table";
                foreach (var format in formats)
                {
                    if (string.Equals(text, format.ToString(), StringComparison.OrdinalIgnoreCase) && text == text.ToLowerInvariant())
                    {
                        return format;
                    }
                }
                result.AddError($"--output '{text}' is not an output format; use {names}");
                return OutputFormat.Table;
            },
        };
    }

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

    /// <summary><c>--token TOKEN</c>: the bearer token; else <c>BERTH_TOKEN</c>.</summary>
    public static Option<string?> Token() => new("--token")
    {
        Description = "Bearer token to authenticate with (else BERTH_TOKEN)",
    };

    /// <summary><c>--ca-cert FILE</c>: the CA the server's certificate must chain to; else <c>BERTH_CA_CERT</c>.</summary>
    public static Option<string?> CaCertificate() => new("--ca-cert")
    {
        Description = "PEM file of the CA that signed the server's certificate, for https:// servers (else BERTH_CA_CERT)",
    };

    /// <summary><c>--client-cert FILE</c>: a client certificate to present; else <c>BERTH_CLIENT_CERT</c>.</summary>
    public static Option<string?> ClientCertificate() => new("--client-cert")
    {
        Description = "PEM client certificate to authenticate with over https:// (else BERTH_CLIENT_CERT)",
    };

    /// <summary><c>--client-key FILE</c>: the client certificate's key; else <c>BERTH_CLIENT_KEY</c>.</summary>
    public static Option<string?> ClientKey() => new("--client-key")
    {
        Description = "PEM private key of --client-cert, when the certificate file does not hold it (else BERTH_CLIENT_KEY)",
    };
}
