using System.CommandLine;
using Berth.Server.Security;

namespace Berth.Cli.Commands.Tls;

/// <summary>
/// <c>berth tls init --dir DIR [--hosts h1,h2] [--days N] [--force]</c>: creates the cluster's CA, the server certificate
/// and an admin client certificate (<see cref="TlsInit"/>) for <c>berth server --tls-dir DIR</c>.
/// </summary>
public static class TlsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Directory to write ca.crt/key, server.crt/key and admin.crt/key into (created if missing)", Required = true };
        var hosts = new Option<string?>("--hosts")
        {
            Description = "Further names and IP addresses the server is reached by, comma-separated (127.0.0.1, ::1, localhost and this host's name are always in)",
        };
        var days = new Option<int>("--days") { Description = "How long the certificates are valid, in days", DefaultValueFactory = _ => TlsInitOptions.DefaultDays };
        var force = new Option<bool>("--force") { Description = "Replace existing files (certificates of the old CA stop being trusted)" };
        var init = new Command("init", "Create a CA, a server certificate and an admin client certificate for berth server --tls-dir") { dir, hosts, days, force };
        init.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var options = new TlsInitOptions
            {
                Directory = parseResult.GetRequiredValue(dir),
                Hosts = (parseResult.GetValue(hosts) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Days = parseResult.GetValue(days),
                Force = parseResult.GetValue(force),
            };
            try
            {
                var written = TlsInit.Run(options, DateTimeOffset.UtcNow);
                foreach (var path in written)
                {
                    output.WriteLine($"wrote {path}");
                }
                var directory = Path.GetDirectoryName(written[0]);
                output.WriteLine($"start the server with: berth server --tls-dir {directory} --listen 0.0.0.0:7070");
                output.WriteLine($"use it as admin with:  --ca-cert {Path.Combine(directory!, TlsFiles.CaCertificate)} --client-cert {Path.Combine(directory!, TlsFiles.AdminCertificate)} --client-key {Path.Combine(directory!, TlsFiles.AdminKey)}");
                output.WriteLine($"join a node with:      berth node bootstrap-token create, then berth agent --server https://HOST:7070 --ca-cert ca.crt --bootstrap-token TOKEN");
                return 0;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: {e.Message}");
                return Program.UsageError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: --dir '{options.Directory}': {e.Message}");
                return Program.UsageError;
            }
        });
        return new Command("tls", "TLS material for servers, agents and clients") { init };
    }
}
