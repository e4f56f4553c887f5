using System.Globalization;

namespace Berth.Server.Security;

/// <summary>User-visible messages of TLS, bootstrap tokens, node certificates and the node authorizer.</summary>
public static class TlsMessages
{
    /// <summary>An empty <c>--dir</c> / <c>--tls-dir</c>.</summary>
    public const string TlsDirEmpty = "the TLS directory is empty; give the directory 'berth tls init --dir DIR' wrote, e.g. --tls-dir ./berth-tls";

    /// <summary>A join or renewal on a server without <c>--tls-dir</c>.</summary>
    public const string NoTls = "this server has no TLS (started without --tls-dir), so it issues no node certificates; start it with --tls-dir DIR (files from 'berth tls init --dir DIR'), or run the agent without --ca-cert and --bootstrap-token";

    /// <summary>A bootstrap token that is not <c>{id}.{secret}</c>.</summary>
    public const string TokenMalformed = "bootstrap token is malformed: expected the form abcdef.0123456789abcdef that 'berth node bootstrap-token create' prints";

    /// <summary><c>--days</c> out of range.</summary>
    public static string BadDays(int days, int max) =>
        $"--days {days.ToString(CultureInfo.InvariantCulture)} is out of range: certificates are valid 1 to {max.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary><c>berth tls init</c> found files it would overwrite.</summary>
    public static string TlsFilesExist(string directory, IReadOnlyList<string> files) =>
        $"{directory} already holds {string.Join(", ", files)}; nothing was written. Give --force to replace them (every certificate issued by the old CA stops being trusted), or pick another --dir";

    /// <summary>A <c>--hosts</c> entry that is neither an IP address nor a DNS name.</summary>
    public static string BadHost(string host, string problem) =>
        $"--hosts entry '{host}' is neither an IP address nor a DNS name: {problem}";

    /// <summary>A file of the TLS directory is missing.</summary>
    public static string TlsFileMissing(string directory, string file) =>
        $"--tls-dir '{directory}' has no {file}; create the files with 'berth tls init --dir {directory}'";

    /// <summary>A file of the TLS directory cannot be read or parsed.</summary>
    public static string TlsFileUnreadable(string directory, string files, string problem) =>
        $"--tls-dir '{directory}': cannot load {files}: {problem}; recreate them with 'berth tls init --dir {directory} --force'";

    /// <summary>The server certificate was not issued by the directory's CA.</summary>
    public static string ServerCertificateNotFromCa(string directory) =>
        $"--tls-dir '{directory}': server.crt was not issued by ca.crt (or has expired); recreate both with 'berth tls init --dir {directory} --force'";

    /// <summary><c>--node-cert-ttl</c> out of range.</summary>
    public static string BadNodeCertificateTtl(TimeSpan ttl, TimeSpan minimum) =>
        $"--node-cert-ttl {ttl} is out of range: node certificates live {minimum} to 365 days (agents renew at two thirds of it)";

    /// <summary>A bootstrap token lifetime out of range.</summary>
    public static string BadTokenTtl(string ttl, TimeSpan max) =>
        $"--ttl {ttl} is out of range: a bootstrap token lives more than 0 s and at most {max.TotalDays.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary>A bootstrap token the server does not know (or whose secret is wrong).</summary>
    public static string TokenUnknown(string id) =>
        $"bootstrap token '{id}.…' is unknown to this cluster; create one with 'berth node bootstrap-token create' and pass it to --bootstrap-token";

    /// <summary>A bootstrap token that was used already.</summary>
    public static string TokenUsed(string id, string node, DateTimeOffset at) =>
        $"bootstrap token '{id}.…' was already used (by node '{node}' at {at.ToString("u", CultureInfo.InvariantCulture)}); a token joins one node once: create a new one with 'berth node bootstrap-token create'";

    /// <summary>A bootstrap token past its expiry.</summary>
    public static string TokenExpired(string id, DateTimeOffset at) =>
        $"bootstrap token '{id}.…' expired at {at.ToString("u", CultureInfo.InvariantCulture)}; create a new one with 'berth node bootstrap-token create' (--ttl sets how long it lives)";

    /// <summary>A renewal without a client certificate.</summary>
    public static string RenewalNeedsCertificate(string node) =>
        $"renewing the certificate of node '{node}' needs its current certificate as the client certificate; an agent whose certificate expired joins again with a new bootstrap token";

    /// <summary>A renewal with a certificate the CA did not issue or that expired.</summary>
    public static string RenewalCertificateInvalid(string node) =>
        $"the client certificate presented to renew node '{node}' was not issued by this cluster's CA or has expired; join again with a new bootstrap token";

    /// <summary>A renewal for a node other than the certificate's.</summary>
    public static string RenewalForOtherNode(string commonName, string node) =>
        $"the client certificate is '{commonName}', which may not renew the certificate of node '{node}': a node renews only its own (CN system:node:{node})";

    /// <summary>A join naming a node that is no DNS subdomain.</summary>
    public static string BadJoinNode(string node, string problem) =>
        $"node: '{node}' is not a valid node name ({problem}); give --name a DNS-1123 subdomain such as node-1";

    /// <summary>A signing request that cannot be used.</summary>
    public static string BadCsr(string problem) =>
        $"csr: not a PEM PKCS#10 certificate signing request with a valid signature ({problem}); the agent makes it from its own key";

    /// <summary>A request body that is not the expected JSON.</summary>
    public static string BadBody(string type, string problem) =>
        $"the request body is not a {type} JSON object: {problem}";

    /// <summary>An agent call without a client certificate on a TLS server.</summary>
    public static string AgentWithoutCertificate(string node) =>
        $"node '{node}' called the agent protocol without a client certificate, and this server has TLS; start the agent with --ca-cert and --bootstrap-token (it joins and gets its node certificate), or --cert-dir holding a valid one";

    /// <summary>An agent call with a certificate that is not a node's.</summary>
    public static string NotANodeCertificate(string commonName, string node) =>
        $"the client certificate '{commonName}' is not a node certificate (CN system:node:NAME, O system:nodes), so it may not act as node '{node}' on the agent protocol; agents get node certificates by joining with a bootstrap token";

    /// <summary>An agent call as another node than its certificate's.</summary>
    public static string WrongNode(string certified, string node) =>
        $"the client certificate is for node '{certified}' but the call is for node '{node}': a node may act only as itself. Start the agent with --name {certified}, or give node '{node}' its own certificate (join with a new bootstrap token and another --cert-dir)";

    /// <summary>A report or output of a replica assigned to another node.</summary>
    public static string ReplicaOfOtherNode(string certified, string replica, string assigned) =>
        $"node '{certified}' may not report on {replica}: it is assigned to node '{assigned}', and a node reports only the replicas assigned to it";
}
