namespace Berth.Server.Security;

/// <summary>The credentials of an agent the local fleet provider starts on a server with TLS: the CA and a fresh bootstrap token.</summary>
public static class LocalAgentCredentials
{
    /// <summary>
    /// How long a local agent's token lives: it is used within seconds of the start; a few minutes cover a slow machine.
    /// </summary>
    public static readonly TimeSpan TokenTtl = TimeSpan.FromMinutes(5);

    /// <summary>The agent arguments <c>--ca-cert DIR/ca.crt --bootstrap-token T</c>, with a new one-time token.</summary>
    public static async Task<IReadOnlyList<string>> ArgumentsAsync(BootstrapTokens tokens, string tlsDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (token, _) = await tokens.CreateAsync(TokenTtl, cancellationToken).ConfigureAwait(false);
        return ["--ca-cert", Path.GetFullPath(Path.Combine(tlsDirectory, TlsFiles.CaCertificate)), "--bootstrap-token", token];
    }
}
