namespace Berth.Server.Security;

/// <summary>What <c>berth tls init</c> creates (<see cref="TlsInit"/>).</summary>
public sealed record TlsInitOptions
{
    /// <summary>The default <c>--days</c>: how long the CA, server and admin certificates are valid.</summary>
    public const int DefaultDays = 365;

    /// <summary><c>--dir</c>: where the files go (<see cref="TlsFiles"/>); created if missing.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// <c>--hosts</c>: further names and IP addresses the server is reached by, added to its certificate beside
    /// 127.0.0.1, ::1, localhost and this machine's host name. Default none.
    /// </summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary><c>--days</c>: validity of the certificates, 1 to 3650 days. Default <see cref="DefaultDays"/>.</summary>
    public int Days { get; init; } = DefaultDays;

    /// <summary><c>--force</c>: replace files that exist; without it, existing files are left alone and the command refuses.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// The server's id in its certificate's common name (<c>system:server:{id}</c>). Null (the default): the host name.
    /// </summary>
    public string? ServerId { get; init; }
}
