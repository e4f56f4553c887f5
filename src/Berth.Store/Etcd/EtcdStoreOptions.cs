using System.Globalization;

namespace Berth.Store.Etcd;

/// <summary>Settings of an <see cref="EtcdStore"/>: where etcd is and how long to wait for it.</summary>
public sealed record EtcdStoreOptions
{
    /// <summary>The scheme of a store address that names etcd, as in <c>--store etcd://h1:2379,h2:2379</c>.</summary>
    public const string Scheme = "etcd://";

    /// <summary>etcd's client port, used when an endpoint names no port.</summary>
    public const int DefaultPort = 2379;

    /// <summary>Client endpoints as <c>host:port</c> (plain HTTP/2, no TLS); calls are spread over them round-robin.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    /// <summary>How long to wait for a TCP connection to one endpoint. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of every single request (get, range page, transaction, lease call, compaction); on expiry the call throws <see cref="StoreUnavailableException"/>. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle connection is pinged (HTTP/2 PING) so that a dead etcd breaks open watches instead of leaving them silent. Default 10 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a ping may go unanswered before the connection is dropped. Default 5 s.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before a lost connection or a broken watch stream is re-opened; doubles on each failed attempt up to <see cref="ReconnectMaxDelay"/>. Default 100 ms.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between attempts to re-open a lost connection or a broken watch stream. Default 2 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Keys fetched per request when a range is read in pages (every page at the first page's revision). Default 1000.</summary>
    public int RangePageSize { get; init; } = 1000;

    /// <summary>True when <paramref name="store"/> is an etcd address (<c>etcd://…</c>) rather than a file path.</summary>
    public static bool IsEtcdAddress(string? store) => store is not null && store.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>etcd://host:port[,host:port…]</c> (port defaults to 2379) into options with default timeouts.</summary>
    /// <exception cref="ArgumentException">The address is not of that form; the message names the value and the expected form.</exception>
    public static EtcdStoreOptions Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IsEtcdAddress(address))
        {
            throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, $"it must start with {Scheme}"), nameof(address));
        }

        var endpoints = new List<string>();
        foreach (var part in address[Scheme.Length..].Split(','))
        {
            endpoints.Add(ParseEndpoint(address, part.Trim()));
        }

        return new EtcdStoreOptions { Endpoints = endpoints };
    }

    /// <summary>The endpoints for messages, e.g. <c>127.0.0.1:2379,10.0.0.2:2379</c>.</summary>
    internal string Describe() => string.Join(',', Endpoints);

    /// <summary>Throws with the offending setting named when a value is out of range.</summary>
    internal void Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("EtcdStoreOptions.Endpoints must name at least one etcd client endpoint, e.g. 127.0.0.1:2379.", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            ParseEndpoint(Describe(), endpoint);
        }

        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(RequestTimeout, nameof(RequestTimeout));
        RequirePositive(KeepAliveInterval, nameof(KeepAliveInterval));
        RequirePositive(KeepAliveTimeout, nameof(KeepAliveTimeout));
        RequirePositive(ReconnectDelay, nameof(ReconnectDelay));
        if (ReconnectMaxDelay < ReconnectDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectMaxDelay), ReconnectMaxDelay, "EtcdStoreOptions.ReconnectMaxDelay must not be shorter than ReconnectDelay.");
        }

        if (RangePageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RangePageSize), RangePageSize, "EtcdStoreOptions.RangePageSize must be positive, e.g. 1000.");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"EtcdStoreOptions.{name} must be positive.");
        }
    }

    // host, host:port, [v6], [v6]:port; returns host:port with the default port filled in.
    private static string ParseEndpoint(string address, string endpoint)
    {
        if (endpoint.Length == 0)
        {
            throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, "an endpoint is empty"), nameof(address));
        }

        string host;
        string? port = null;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, $"endpoint \"{endpoint}\" opens an IPv6 bracket it does not close"), nameof(address));
            }

            host = endpoint[..(close + 1)];
            var rest = endpoint[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? rest[1..] : throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, $"endpoint \"{endpoint}\" has text after the IPv6 address"), nameof(address));
            }
        }
        else
        {
            var colon = endpoint.LastIndexOf(':');
            host = colon < 0 ? endpoint : endpoint[..colon];
            port = colon < 0 ? null : endpoint[(colon + 1)..];
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, $"endpoint \"{endpoint}\" has no valid host"), nameof(address));
        }

        var number = DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            throw new ArgumentException(StoreMessages.EtcdConnectionStringInvalid(address, $"endpoint \"{endpoint}\" has port \"{port}\", which is not a number from 1 to 65535"), nameof(address));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{host}:{number}");
    }
}
