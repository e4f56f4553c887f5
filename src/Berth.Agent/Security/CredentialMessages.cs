namespace Berth.Agent.Security;

/// <summary>User-visible messages of the agent's node certificate: loading, joining, renewing.</summary>
public static class CredentialMessages
{
    /// <summary><c>--simulate</c> with <c>--ca-cert</c>.</summary>
    public const string SimulateWithTls = "--simulate does not join with certificates: hollow nodes run against a server without --tls-dir; drop --ca-cert, --bootstrap-token and --cert-dir";

    /// <summary>A TLS option without <c>--ca-cert</c>.</summary>
    public static string CaCertificateMissing(string option) =>
        $"{option} needs --ca-cert: give the cluster's CA certificate (ca.crt from 'berth tls init') so the agent can check the server";

    /// <summary>The CA file is missing or not a PEM certificate.</summary>
    public static string CaCertificateUnreadable(string path, string problem) =>
        $"--ca-cert '{path}' cannot be read as a PEM certificate: {problem}; give the ca.crt 'berth tls init' wrote";

    /// <summary>No usable certificate and no token to join with.</summary>
    public static string NoCertificateNoToken(string node, string? directory) =>
        directory is null
            ? $"node '{node}' has no certificate: give --bootstrap-token (from 'berth node bootstrap-token create') to join, or --cert-dir holding a valid node.crt and node.key"
            : $"node '{node}' has no valid certificate in --cert-dir '{directory}': give --bootstrap-token (from 'berth node bootstrap-token create') to join";

    /// <summary>The server refused the join.</summary>
    public static string JoinRefused(string server, int status, string message) =>
        $"joining {server} was refused ({status}): {message}";

    /// <summary>No server answered the join.</summary>
    public static string JoinFailed(string servers, string problem) =>
        $"could not join through {servers}: {problem}";

    /// <summary>The server answered a join or renewal with something that is not a certificate.</summary>
    public static string BadCertificateAnswer(string server, string problem) =>
        $"{server} answered the join or renewal with no usable certificate: {problem}";

    /// <summary>The server issued a certificate for another node than asked.</summary>
    public static string CertificateForOtherNode(string node, string commonName) =>
        $"the server issued a certificate '{commonName}' when node '{node}' asked for its own; refusing to use it";

    /// <summary>The certificate directory cannot be written.</summary>
    public static string CertificateDirectoryUnwritable(string directory, string problem) =>
        $"--cert-dir '{directory}' cannot be written: {problem}";
}
