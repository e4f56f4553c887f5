using System.Net;
using System.Net.Sockets;
using Berth.Core.Manifests;

namespace Berth.Server.Security;

/// <summary>
/// <c>berth tls init</c>: writes a new CA, a server certificate and an admin client certificate (<see cref="TlsFiles"/>)
/// into a directory. Everything is checked before the first file is written, so a refusal leaves nothing behind.
/// </summary>
public static class TlsInit
{
    /// <summary>Longest <c>--days</c>: ten years.</summary>
    public const int MaxDays = 3650;

    /// <summary>The names every server certificate carries: the loopback addresses and <c>localhost</c>, for local clients.</summary>
    public static IReadOnlyList<string> LoopbackNames { get; } = ["127.0.0.1", "::1", "localhost"];

    /// <summary>Creates the files; returns their full paths.</summary>
    /// <exception cref="ArgumentException">An option cannot be used, or a file exists without <see cref="TlsInitOptions.Force"/>; the message names it.</exception>
    /// <exception cref="IOException">The directory or a file cannot be written.</exception>
    public static IReadOnlyList<string> Run(TlsInitOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new ArgumentException(TlsMessages.TlsDirEmpty);
        }
        if (options.Days < 1 || options.Days > MaxDays)
        {
            throw new ArgumentException(TlsMessages.BadDays(options.Days, MaxDays));
        }
        var hostName = Dns.GetHostName().ToLowerInvariant();
        // A host name that is no DNS name (an underscore, say) cannot go into a certificate; --hosts can name the machine.
        var machine = ManifestNames.ValidateDnsSubdomain(hostName) is null ? [hostName] : Array.Empty<string>();
        var (dnsNames, addresses) = Names([.. LoopbackNames, .. machine, .. options.Hosts]);
        var serverId = options.ServerId ?? (machine.Length > 0 ? hostName : "server");
        var directory = Path.GetFullPath(options.Directory);
        var paths = TlsFiles.All.Select(file => Path.Combine(directory, file)).ToList();
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count > 0 && !options.Force)
        {
            throw new ArgumentException(TlsMessages.TlsFilesExist(directory, existing.Select(Path.GetFileName).ToList()!));
        }

        var validity = TimeSpan.FromDays(options.Days);
        using var authority = CertificateAuthority.Create(CertificateAuthority.DefaultName, validity, now);
        using var server = authority.IssueWithKey(
            CertificateNames.Subject(CertificateNames.ServerPrefix + serverId, CallerIdentity.ServersGroup), validity, now, dnsNames, addresses);
        using var admin = authority.IssueWithKey(CertificateNames.Subject(CertificateNames.AdminName, CallerIdentity.MastersGroup), validity, now);
        Directory.CreateDirectory(directory);
        // Keys first, so that a directory with certificates always has their keys.
        TlsFiles.Write(paths[1], TlsFiles.KeyPem(authority.Certificate), TlsFiles.KeyMode, options.Force);
        TlsFiles.Write(paths[0], TlsFiles.CertificatePem(authority.Certificate), TlsFiles.CertificateMode, options.Force);
        TlsFiles.Write(paths[3], TlsFiles.KeyPem(server), TlsFiles.KeyMode, options.Force);
        TlsFiles.Write(paths[2], TlsFiles.CertificatePem(server), TlsFiles.CertificateMode, options.Force);
        TlsFiles.Write(paths[5], TlsFiles.KeyPem(admin), TlsFiles.KeyMode, options.Force);
        TlsFiles.Write(paths[4], TlsFiles.CertificatePem(admin), TlsFiles.CertificateMode, options.Force);
        return paths;
    }

    /// <summary>Sorts host names from IP addresses, dropping repeats; each must be an IP address or a DNS name.</summary>
    /// <exception cref="ArgumentException">An entry is neither; the message names <c>--hosts</c>.</exception>
    public static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses) Names(IEnumerable<string> hosts)
    {
        var dnsNames = new List<string>();
        var addresses = new List<IPAddress>();
        foreach (var raw in hosts)
        {
            var host = raw.Trim();
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address)
                && (address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            {
                if (!addresses.Contains(address))
                {
                    addresses.Add(address);
                }
                continue;
            }
            var lower = host.ToLowerInvariant();
            if (ManifestNames.ValidateDnsSubdomain(lower) is { } error)
            {
                throw new ArgumentException(TlsMessages.BadHost(raw, error));
            }
            if (!dnsNames.Contains(lower, StringComparer.Ordinal))
            {
                dnsNames.Add(lower);
            }
        }
        return (dnsNames, addresses);
    }
}
