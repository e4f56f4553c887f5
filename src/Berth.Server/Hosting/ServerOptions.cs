using System.Globalization;
using System.Net;
using Berth.Server.Nodes;
using Berth.Server.Placement;
using Berth.Store.Etcd;

namespace Berth.Server.Hosting;

/// <summary>Settings of <c>berth server</c> (<see cref="ServerHost"/>). Validated at start; messages name the option.</summary>
public sealed record ServerOptions
{
    /// <summary>The default <c>--listen</c> address.</summary>
    public const string DefaultListen = "127.0.0.1:7070";

    /// <summary>The default <c>--data</c> directory.</summary>
    public const string DefaultDataDirectory = "./berth-data";

    /// <summary>The store's file name inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "berth.db";

    /// <summary>The default request body limit: 1 MiB, far above any hand-written manifest and small enough to parse in memory.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// Longest request line (method, path with query, version) in bytes; longer ones get 414. 8 KiB, Kestrel's default,
    /// stated here because it bounds what a URL can carry: the API's URLs are a few names and numbers.
    /// </summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>Largest total size of a request's headers in bytes; larger ones get 431. 32 KiB, Kestrel's default.</summary>
    public const int MaxRequestHeadersBytes = 32 * 1024;

    /// <summary><c>--listen</c>: <c>host:port</c> the REST API listens on; loopback only until TLS exists. Port 0 picks a free port.</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary><c>--data</c>: directory holding the SQLite store (<see cref="DatabaseFileName"/>); created if missing.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory;

    /// <summary>Largest accepted request body, in bytes; larger bodies get 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// How long the control loop sleeps between passes when nothing signals it; an apply or delete wakes it at once.
    /// Default 2 s: placement of a changed cluster (a new node, a node turning Ready) is at most that late.
    /// </summary>
    public TimeSpan LoopInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the leader runs a fleet rebalance pass (consolidation of underused clusters, trigger events). Default
    /// 30 s: consolidation saves hours of cost, so a pass need not be prompt; zero or less turns the loop off
    /// (<c>berth rebalance</c> still runs a pass).
    /// </summary>
    public TimeSpan FleetRebalanceInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Node liveness; its <see cref="NodeManagerOptions.CheckInterval"/> spaces the liveness checks of the loop.</summary>
    public NodeManagerOptions Nodes { get; init; } = new();

    /// <summary>The placer's profile and stale retries.</summary>
    public PlacerOptions Placer { get; init; } = PlacerOptions.Default;

    /// <summary>Retries of failing replicas; its <see cref="Retries.RetryEngineOptions.DueInterval"/> spaces the retry passes of the loop.</summary>
    public Retries.RetryEngineOptions Retries { get; init; } = new();

    /// <summary>The reconciler: sweep interval, workers, the Pending deadline, records kept and backoff.</summary>
    public Reconciliation.ReconcilerOptions Reconciler { get; init; } = new();

    /// <summary>Automation rules: how often the leader evaluates them, and how webhooks are retried and kept.</summary>
    public Automation.RuleEngineOptions Rules { get; init; } = new();

    /// <summary>The default <c>--grpc-listen</c> address (with the default <see cref="Listen"/>).</summary>
    public const string DefaultGrpcListen = "127.0.0.1:7071";

    /// <summary>
    /// <c>--grpc-listen</c>: <c>host:port</c> of gRPC — the agent protocol and the public API (HTTP/2 only, no TLS), loopback only like
    /// <see cref="Listen"/>; port 0 picks a free port. A second endpoint because Kestrel cannot serve cleartext HTTP/1.1
    /// and HTTP/2 on one port (telling them apart needs TLS's ALPN). Null (the default): <see cref="Listen"/>'s host and
    /// the port after its port (<see cref="DefaultGrpcListen"/> for the default <c>--listen</c>), or port 0 when
    /// <see cref="Listen"/>'s port is 0, so servers that pick free ports (tests, <c>berth dev</c>) never collide.
    /// </summary>
    public string? GrpcListen { get; init; }

    /// <summary>
    /// How often an open WatchAssignments stream re-sends the node's assignment set even when nothing changed, so an
    /// agent that lost a message heals. Default 30 s: every change is sent when it happens (the assignment index wakes
    /// the node's stream), so the resend only repairs a lost message or a lost report, and at 5,000 nodes a 5 s resend
    /// alone was 1,000 sets a second for nothing.
    /// </summary>
    public TimeSpan AssignmentResendInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the first Running report of a batch waits for others to share its store transactions
    /// (<see cref="Agents.StatusReportBatcher"/>): above zero, at most <see cref="Agents.StatusReportBatcher.MaxWindow"/>.
    /// Default 20 ms: a burst of starts on many nodes fills batches, and a report is answered at most this much later.
    /// </summary>
    public TimeSpan StatusReportBatchWindow { get; init; } = Agents.StatusReportBatcher.DefaultWindow;

    /// <summary>Output lines kept in memory per replica for <c>berth logs</c>. Default 1000.</summary>
    public int LogLinesPerReplica { get; init; } = Logs.ReplicaLogs.DefaultLinesPerReplica;

    /// <summary>The default <see cref="LeaderLease"/>: 5 s, so a dead leader is replaced within about 5 s while a keep-alive every 1.7 s rides over short store hiccups.</summary>
    public static readonly TimeSpan DefaultLeaderLease = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>--server-id</c>: this server's name among the replicas sharing one store (lower-case letters, digits, '-' and
    /// '.', as a DNS name). Null (the default): the host name and the bound API port, e.g. <c>box-7070</c>.
    /// </summary>
    public string? ServerId { get; init; }

    /// <summary>
    /// <c>--leader-lease</c>: time to live of the leader's lease, 1 s to 5 min. A leader that cannot renew it steps down a
    /// third of it before it runs out; a follower takes over at most this long after the leader died. Default 5 s.
    /// </summary>
    public TimeSpan LeaderLease { get; init; } = DefaultLeaderLease;

    /// <summary>
    /// <c>--region</c>: the region this control plane governs, a DNS label such as <c>eu-west</c>. With <see cref="Parent"/>
    /// it is a region control plane under that parent; without, a root (or a stand-alone server) that may still be named.
    /// Null (the default): no region.
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// <c>--parent</c>: the REST address of the parent control plane (e.g. <c>http://127.0.0.1:7070</c>) this region
    /// reports its pools and node classes to; needs <see cref="Region"/>. Null (the default): no parent.
    /// </summary>
    public string? Parent { get; init; }

    /// <summary>Timing of the link between a region and its parent (reports, disconnection).</summary>
    public Fleet.Hierarchy.RegionLinkOptions RegionLink { get; init; } = new();

    /// <summary>
    /// How the <c>local</c> fleet provider starts <c>berth agent</c> processes (the server's own executable; <c>berth
    /// server</c> and <c>berth dev</c> set it). Null: pools of the local provider cannot create nodes, and say so.
    /// </summary>
    public Fleet.AgentCommandLine? AgentCommand { get; init; }

    /// <summary>
    /// <c>--authorization open|rbac</c>: what a request without a credential may do (<see cref="Security.AuthorizationMode"/>).
    /// Null (the default): rbac when TLS is configured, open without.
    /// </summary>
    public Security.AuthorizationMode? Authorization { get; init; }

    /// <summary>
    /// <c>--tls-dir</c>: a directory written by <c>berth tls init</c> (ca.crt, ca.key, server.crt, server.key). With it both
    /// ports serve HTTPS with the server certificate, accept client certificates issued by the CA, and the server issues
    /// node certificates. Null (the default): plain HTTP, loopback only unless <see cref="Insecure"/>.
    /// </summary>
    public string? TlsDirectory { get; init; }

    /// <summary>True when TLS is configured (<see cref="TlsDirectory"/> is set): non-loopback addresses are then accepted.</summary>
    public bool TlsConfigured => TlsDirectory is not null;

    /// <summary>
    /// <c>--insecure</c>: accept non-loopback <c>--listen</c>, <c>--grpc-listen</c>, <c>--store</c> and <c>--parent</c>
    /// addresses without TLS (a warning is logged at start). Default false.
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>The default <see cref="NodeCertificateTtl"/>: 24 h, so a stolen node certificate is useless within a day.</summary>
    public static readonly TimeSpan DefaultNodeCertificateTtl = TimeSpan.FromHours(24);

    /// <summary>The shortest <see cref="NodeCertificateTtl"/> <c>--node-cert-ttl</c> accepts: 10 min, so renewals (at two thirds) stay minutes apart.</summary>
    public static readonly TimeSpan MinimumNodeCertificateTtl = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <c>--node-cert-ttl</c>: lifetime of the node certificates the server issues (agents renew at two thirds of it),
    /// <see cref="NodeCertificateTtlFloor"/> to 365 days. Default 24 h.
    /// </summary>
    public TimeSpan NodeCertificateTtl { get; init; } = DefaultNodeCertificateTtl;

    /// <summary>The shortest <see cref="NodeCertificateTtl"/> accepted: <see cref="MinimumNodeCertificateTtl"/>; tests lower it to see rotation in seconds.</summary>
    internal TimeSpan NodeCertificateTtlFloor { get; init; } = MinimumNodeCertificateTtl;

    /// <summary>The default <see cref="AuditRetention"/>: 30 days, as long as a monthly review needs.</summary>
    public static readonly TimeSpan DefaultAuditRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// <c>--audit-retention</c>: how long audit entries are kept; the leader drops older ones every hour. Zero keeps them
    /// forever. Default 30 days.
    /// </summary>
    public TimeSpan AuditRetention { get; init; } = DefaultAuditRetention;

    /// <summary>Parses and checks <see cref="Listen"/>: an IP address or <c>localhost</c>, and a port.</summary>
    /// <exception cref="ServerOptionsException">The address is malformed, or not loopback while TLS is not configured.</exception>
    public IPEndPoint ListenEndPoint()
    {
        var text = Listen?.Trim() ?? "";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port > IPEndPoint.MaxPort)
        {
            throw new ServerOptionsException(ServerMessages.BadListen(Listen ?? ""));
        }
        var host = text[..colon];
        IPAddress address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host.Trim('[', ']'), out address!))
        {
            throw new ServerOptionsException(ServerMessages.ListenNotAnAddress(Listen!));
        }
        if (!IPAddress.IsLoopback(address) && !TlsConfigured && !Insecure)
        {
            throw new ServerOptionsException(ServerMessages.NonLoopbackWithoutTls(Listen!));
        }
        return new IPEndPoint(address, port);
    }

    /// <summary>Parses and checks <see cref="GrpcListen"/> (or derives it from <see cref="Listen"/> when null), like <see cref="ListenEndPoint"/>.</summary>
    /// <exception cref="ServerOptionsException">The address is malformed, or not loopback while TLS is not configured.</exception>
    public IPEndPoint GrpcListenEndPoint()
    {
        if (GrpcListen is null)
        {
            var rest = ListenEndPoint();
            if (rest.Port == IPEndPoint.MaxPort)
            {
                throw new ServerOptionsException(ServerMessages.NoPortAfterListen(Listen));
            }
            return new IPEndPoint(rest.Address, rest.Port == 0 ? 0 : rest.Port + 1);
        }
        const string option = "--grpc-listen";
        var text = GrpcListen.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port > IPEndPoint.MaxPort)
        {
            throw new ServerOptionsException(ServerMessages.BadListenOf(option, GrpcListen, DefaultGrpcListen));
        }
        var host = text[..colon];
        IPAddress address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host.Trim('[', ']'), out address!))
        {
            throw new ServerOptionsException(ServerMessages.ListenOfNotAnAddress(option, GrpcListen, DefaultGrpcListen));
        }
        if (!IPAddress.IsLoopback(address) && !TlsConfigured && !Insecure)
        {
            throw new ServerOptionsException(ServerMessages.NonLoopbackOfWithoutTls(option, GrpcListen));
        }
        return new IPEndPoint(address, port);
    }

    /// <summary>
    /// <c>--store</c>: where the cluster state lives. Null (the default): the embedded SQLite store in
    /// <see cref="DataDirectory"/>. <c>etcd://host:port[,host:port…]</c>: an etcd cluster, loopback only like
    /// <see cref="Listen"/> while the connection to it has no TLS.
    /// </summary>
    public string? Store { get; init; }

    /// <summary>True when <see cref="Store"/> names an etcd cluster rather than the embedded store.</summary>
    public bool UsesEtcd => EtcdStoreOptions.IsEtcdAddress(Store?.Trim());

    /// <summary>Parses and checks <see cref="Store"/> as an etcd address: well-formed, and every endpoint loopback while TLS is not configured.</summary>
    /// <exception cref="ServerOptionsException"><see cref="Store"/> is set but not a usable etcd address; the message names <c>--store</c>.</exception>
    public EtcdStoreOptions EtcdStore()
    {
        var text = Store?.Trim() ?? "";
        if (!EtcdStoreOptions.IsEtcdAddress(text))
        {
            throw new ServerOptionsException(ServerMessages.StoreNotEtcd(Store ?? ""));
        }
        EtcdStoreOptions parsed;
        try
        {
            parsed = EtcdStoreOptions.Parse(text);
        }
        catch (ArgumentException e)
        {
            // The parser's message already names the value and the form; the parameter name means nothing on a command line.
            throw new ServerOptionsException(ServerMessages.BadStore(Store!, e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)));
        }
        foreach (var endpoint in parsed.Endpoints)
        {
            var host = endpoint[..endpoint.LastIndexOf(':')];
            bool loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
            if (!loopback && !TlsConfigured && !Insecure)
            {
                throw new ServerOptionsException(ServerMessages.StoreNotLoopback(Store!, endpoint));
            }
        }
        return parsed;
    }

    /// <summary>Throws when a setting is out of range; the message names the option.</summary>
    /// <exception cref="ServerOptionsException">A setting is out of range.</exception>
    public void Validate()
    {
        _ = ListenEndPoint();
        if (Store is not null)
        {
            _ = EtcdStore();
        }
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ServerOptionsException(ServerMessages.EmptyDataDirectory);
        }
        if (MaxRequestBodyBytes <= 0)
        {
            throw new ServerOptionsException(ServerMessages.NotPositive(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture)));
        }
        var rest = ListenEndPoint();
        var grpc = GrpcListenEndPoint();
        if (grpc.Port != 0 && grpc.Port == rest.Port)
        {
            throw new ServerOptionsException(ServerMessages.SameListenPorts(GrpcListen ?? "", Listen));
        }
        if (AssignmentResendInterval <= TimeSpan.Zero)
        {
            throw new ServerOptionsException(ServerMessages.NotPositive(nameof(AssignmentResendInterval), AssignmentResendInterval.ToString()));
        }
        if (LogLinesPerReplica <= 0)
        {
            throw new ServerOptionsException(ServerMessages.NotPositive(nameof(LogLinesPerReplica), LogLinesPerReplica.ToString(CultureInfo.InvariantCulture)));
        }
        if (AuditRetention < TimeSpan.Zero)
        {
            throw new ServerOptionsException(Security.SecurityMessages.NegativeAuditRetention(AuditRetention));
        }
        if (LoopInterval <= TimeSpan.Zero)
        {
            throw new ServerOptionsException(ServerMessages.NotPositive(nameof(LoopInterval), LoopInterval.ToString()));
        }
        if (ServerId is not null && Leadership.ServerIds.Validate(ServerId) is { } serverIdError)
        {
            throw new ServerOptionsException(Leadership.LeadershipMessages.BadServerId(ServerId, serverIdError));
        }
        if (LeaderLease < Leadership.LeaderElection.MinimumLease || LeaderLease > Leadership.LeaderElection.MaximumLease)
        {
            throw new ServerOptionsException(Leadership.LeadershipMessages.BadLeaderLease(LeaderLease));
        }
        if (StatusReportBatchWindow <= TimeSpan.Zero || StatusReportBatchWindow > Agents.StatusReportBatcher.MaxWindow)
        {
            throw new ServerOptionsException(Api.AgentMessages.StatusReportBatchWindowOutOfRange(StatusReportBatchWindow, Agents.StatusReportBatcher.MaxWindow));
        }
        Fleet.Hierarchy.RegionLinkValidation.Check(this);
        if (NodeCertificateTtl < NodeCertificateTtlFloor || NodeCertificateTtl > TimeSpan.FromDays(365))
        {
            throw new ServerOptionsException(Security.TlsMessages.BadNodeCertificateTtl(NodeCertificateTtl, NodeCertificateTtlFloor));
        }
        if (TlsDirectory is not null && string.IsNullOrWhiteSpace(TlsDirectory))
        {
            throw new ServerOptionsException(Security.TlsMessages.TlsDirEmpty);
        }
        try
        {
            Nodes.Validate();
            Reconciler.Validate();
            Rules.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ServerOptionsException(e.Message);
        }
    }
}
