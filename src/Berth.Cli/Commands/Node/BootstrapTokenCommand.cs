using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Berth.Cli.Commands.Client;

namespace Berth.Cli.Commands.Node;

/// <summary>
/// <c>berth node bootstrap-token create [--ttl 1h]</c>: asks the server for a one-time token that lets one agent join
/// (<c>berth agent --bootstrap-token</c>); prints the token (shown only this once) and its expiry.
/// </summary>
public static class BootstrapTokenCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var ttl = DurationOption.Create("--ttl", "How long the token can be used to join, at most 7 days (default 1h)");
        var create = new Command("create", "Create a one-time bootstrap token for one node join (prints it once)") { ttl };
        ClientAction.Set(create, async (parseResult, client, output, cancellationToken) =>
        {
            var body = parseResult.GetValue(ttl) is { } span
                ? $"{{\"ttlSeconds\":{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)}}}"
                : "{}";
            var json = await client.PostAsync("v1/bootstraptokens", body, cancellationToken).ConfigureAwait(false);
            using var answer = JsonDocument.Parse(json);
            var token = answer.RootElement.GetProperty("token").GetString();
            var expiresAt = answer.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
            // The token alone on standard output, so scripts can capture it; the advice goes to standard error.
            await output.WriteLineAsync(token).ConfigureAwait(false);
            await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                $"one-time token, expires {expiresAt.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}: berth agent --server ... --ca-cert ca.crt --bootstrap-token {token}").ConfigureAwait(false);
            return 0;
        });
        return new Command("bootstrap-token", "One-time tokens that let agents join and get their node certificates") { create };
    }
}
