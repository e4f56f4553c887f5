using System.CommandLine;
using System.Text.Json;
using Berth.Cli.Commands.Client;
using Berth.Cli.Commands.Get;
using Berth.Server.Api;
using Berth.Server.Security;

namespace Berth.Cli.Commands.Token;

/// <summary>
/// <c>berth token create --user NAME [--group G]... [--role R] [--ttl 720h]</c>, <c>berth token list</c>,
/// <c>berth token revoke ID</c>: bearer tokens for the API (admin only).
/// </summary>
public static class TokenCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("token", "Create, list and revoke API bearer tokens (admin only)");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(RevokeCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var user = new Option<string>("--user") { Description = "The user name the token authenticates as", Required = true };
        var groups = new Option<string[]>("--group") { Description = "A group of the user (repeat for several)", AllowMultipleArgumentsPerToken = false };
        var role = new Option<string?>("--role") { Description = "A role given to the user everywhere (admin, operator, viewer, developer or an applied Role); none: only RoleBindings count" };
        var ttl = DurationOption.Create("--ttl", "How long the token is accepted (default 720h, at most 8784h)");
        var command = new Command("create", "Create a token; it is printed once, and the server keeps only its hash") { user, groups, role, ttl };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var request = new TokenRequest(
                parseResult.GetRequiredValue(user),
                parseResult.GetValue(groups) ?? [],
                parseResult.GetValue(role),
                parseResult.GetValue(ttl) is { } lifetime ? (long)Math.Ceiling(lifetime.TotalSeconds) : null);
            var json = await client.PostAsync("v1/tokens", JsonSerializer.Serialize(request, ApiJson.Info<TokenRequest>()), cancellationToken).ConfigureAwait(false);
            var created = BerthClient.Read<CreatedToken>(json);
            await output.WriteLineAsync(created.Token).ConfigureAwait(false);
            await output.WriteLineAsync(ClientMessages.TokenCreated(created.Details.Id, created.Details.User, Render.Time(created.Details.Expires))).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var output = CommonOptions.ResourceOutput();
        var command = new Command("list", "List tokens (never their secrets)") { output };
        ClientAction.Set(command, async (parseResult, client, writer, cancellationToken) =>
        {
            var json = await client.GetAsync(SecurityTables.TokensPath, cancellationToken).ConfigureAwait(false);
            var format = parseResult.GetValue(output);
            if (format is OutputFormat.Json or OutputFormat.Yaml)
            {
                Render.Document(json, format, writer);
            }
            else
            {
                SecurityTables.Tokens(json, format == OutputFormat.Wide, writer);
            }
            return 0;
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var id = new Argument<string>("id") { Description = "The token's id (the part after berth_, as 'berth token list' shows it)" };
        var command = new Command("revoke", "Revoke a token: it is refused from the next request on") { id };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var tokenId = parseResult.GetRequiredValue(id);
            var json = await client.PostAsync($"v1/tokens/{Uri.EscapeDataString(tokenId)}/revoke", null, cancellationToken).ConfigureAwait(false);
            var revoked = BerthClient.Read<TokenView>(json);
            await output.WriteLineAsync(ClientMessages.TokenRevoked(revoked.Id, revoked.User)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
