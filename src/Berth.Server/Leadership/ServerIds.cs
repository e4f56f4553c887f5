using System.Globalization;
using System.Text;
using Berth.Core.Manifests;

namespace Berth.Server.Leadership;

/// <summary>Server ids: the name each <c>berth server</c> campaigns and registers under (<c>--server-id</c>).</summary>
public static class ServerIds
{
    /// <summary>Why <paramref name="serverId"/> cannot name a server (it must be a DNS subdomain: lower-case letters, digits, '-' and '.'), or null when it can.</summary>
    public static string? Validate(string serverId)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        return ManifestNames.ValidateDnsSubdomain(serverId);
    }

    /// <summary>Returns <paramref name="serverId"/> when valid.</summary>
    /// <exception cref="ArgumentException">The id is not a DNS subdomain; the message says why.</exception>
    public static string Valid(string serverId)
    {
        if (Validate(serverId) is { } error)
        {
            throw new ArgumentException(LeadershipMessages.BadServerId(serverId, error), nameof(serverId));
        }
        return serverId;
    }

    /// <summary>
    /// The default id: the host name, lower-cased with anything outside a DNS label turned into '-', then '-' and the API
    /// port, so replicas on one machine (distinct ports) and on several machines (distinct hosts) never share an id.
    /// </summary>
    public static string Default(string hostName, int apiPort)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        var host = new StringBuilder(hostName.Length);
        foreach (char c in hostName.ToLowerInvariant())
        {
            host.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-');
        }
        var trimmed = host.ToString().Trim('-');
        if (trimmed.Length == 0)
        {
            trimmed = "server";
        }
        if (trimmed.Length > 50)
        {
            trimmed = trimmed[..50].TrimEnd('-');
        }
        return string.Create(CultureInfo.InvariantCulture, $"{trimmed}-{apiPort}");
    }
}
