using System.CommandLine;

namespace Berth.Cli.Commands.Client;

/// <summary>Runs a client command: resolves the server address, makes the client, prints failures as <c>error: ...</c>.</summary>
public static class ClientAction
{
    /// <summary>What a client command does once it has a client: returns the exit code.</summary>
    public delegate Task<int> Handler(ParseResult parseResult, BerthClient client, TextWriter output, CancellationToken cancellationToken);

    /// <summary>Adds <c>--server</c> and the credential options (<see cref="ClientCredentials"/>) to <paramref name="command"/> and sets its action to <paramref name="handler"/>.</summary>
    public static void Set(Command command, Handler handler)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(handler);
        var server = CommonOptions.Server();
        var token = CommonOptions.Token();
        var caCertificate = CommonOptions.CaCertificate();
        var clientCertificate = CommonOptions.ClientCertificate();
        var clientKey = CommonOptions.ClientKey();
        command.Options.Add(server);
        command.Options.Add(token);
        command.Options.Add(caCertificate);
        command.Options.Add(clientCertificate);
        command.Options.Add(clientKey);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var address = ServerAddress.Resolve(
                    parseResult.GetValue(server),
                    Environment.GetEnvironmentVariable,
                    ServerAddress.UserConfigPath(Environment.GetEnvironmentVariable));
                var credentials = ClientCredentials.Resolve(
                    parseResult.GetValue(token),
                    parseResult.GetValue(caCertificate),
                    parseResult.GetValue(clientCertificate),
                    parseResult.GetValue(clientKey),
                    Environment.GetEnvironmentVariable);
                using var client = new BerthClient(address, credentials);
                return await handler(parseResult, client, output, cancellationToken).ConfigureAwait(false);
            }
            catch (ClientException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C (or a test's cancel) ends a watch: that is its normal end.
                return 0;
            }
        });
    }
}
