using System.CommandLine;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Profiles;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Store;

namespace Berth.Cli.Commands.Server;

/// <summary><c>berth server [--listen 127.0.0.1:7070] [--data ./berth-data | --store etcd://127.0.0.1:2379]</c>: runs a control plane until Ctrl+C.</summary>
public static class ServerCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address of the REST API, host:port (non-loopback needs --tls-dir or --insecure)",
            DefaultValueFactory = _ => ServerOptions.DefaultListen,
        };
        var grpcListen = new Option<string?>("--grpc-listen")
        {
            Description = $"Address of gRPC (agent protocol and public API, HTTP/2), host:port (non-loopback needs --tls-dir or --insecure); default: the port after --listen's ({ServerOptions.DefaultGrpcListen})",
        };
        var data = new Option<string>("--data")
        {
            Description = $"Data directory; the store is {ServerOptions.DatabaseFileName} inside it (created if missing)",
            DefaultValueFactory = _ => ServerOptions.DefaultDataDirectory,
        };
        var store = new Option<string?>("--store")
        {
            Description = "Where the cluster state lives: etcd://host:port[,host:port...] (non-loopback needs --tls-dir or --insecure); default: the embedded store in --data",
        };
        var heartbeatGrace = DurationOption.Create("--heartbeat-grace", "Silence after which a node turns NotReady (default 15s)");
        var lostGrace = DurationOption.Create("--lost-grace", "Further silence after which a NotReady node's replicas are placed elsewhere (default 15s)");
        var serverId = new Option<string?>("--server-id")
        {
            Description = "This server's name among the replicas sharing one store (lower-case letters, digits, '-', '.'); default: the host name and the API port",
        };
        var leaderLease = DurationOption.Create("--leader-lease", "Time to live of the leader's lease, 1s to 5m: a dead leader is replaced within it (default 5s)");
        var region = new Option<string?>("--region")
        {
            Description = "The region this control plane governs (a DNS label, e.g. eu-west); with --parent it is a region control plane under that parent",
        };
        var parent = new Option<string?>("--parent")
        {
            Description = "REST address of the parent control plane (e.g. http://127.0.0.1:7070) to report this region's pools and node classes to; needs --region",
        };
        var reportInterval = DurationOption.Create("--region-report-interval",
            "How often a region reports its pools to its parent; either side counts the other gone after five intervals of silence (default 2s)");
        var fleetRebalanceInterval = DurationOption.Create("--fleet-rebalance-interval", "How often the leader runs a fleet rebalance pass that consolidates underused clusters (default 30s)");
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Console log format: simple (readable lines) or json (one JSON object per line, with the request's or decision's CorrelationId in its scopes)",
            DefaultValueFactory = _ => ConsoleLogFormat.Simple,
        };
        logFormat.AcceptOnlyFromAmong([.. ConsoleLogFormat.All]);
        var tlsDir = new Option<string?>("--tls-dir")
        {
            Description = "Directory written by 'berth tls init' (ca.crt, ca.key, server.crt, server.key): HTTPS on both ports with client certificates, node certificates for joining agents",
        };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "Without --tls-dir, accept non-loopback --listen, --grpc-listen, --store and --parent anyway (plain HTTP; a warning is logged)",
        };
        var nodeCertTtl = DurationOption.Create("--node-cert-ttl", "Lifetime of the node certificates this server issues, at least 10m; agents renew at two thirds (default 24h)");
        var authorization = new Option<string?>("--authorization")
        {
            Description = "open: a request without a credential acts as admin (loopback development); rbac: every request needs a token or client certificate, authorized by roles. Default: rbac with TLS, open without",
        };
        authorization.AcceptOnlyFromAmong("open", "rbac");
        var auditRetention = DurationOption.CreateOrZero("--audit-retention", "How long audit entries are kept; the leader drops older ones every hour; 0 keeps them forever (default 720h)");
        var schedulingProfile = new Option<string?>("--scheduling-profile")
        {
            Description = "The built-in profile replicas are placed with (default: Kubernetes' default profile, plus fragmentation-aware placement of GPU replicas). "
                + "gpu-fragmentation also places replicas without GPUs where they leave GPUs usable, for clusters where every node has GPUs",
        };
        schedulingProfile.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (BuiltInProfiles.Find(value) is null)
            {
                result.AddError(UnknownProfile(value));
            }
        });
        var command = new Command("server", "Run a control plane: the REST API, the embedded store and the placement loop")
        {
            listen,
            data,
            heartbeatGrace,
            lostGrace,
            grpcListen,
            store,
            serverId,
            leaderLease,
            region,
            parent,
            reportInterval,
            fleetRebalanceInterval,
            logFormat,
            tlsDir,
            insecure,
            nodeCertTtl,
            authorization,
            auditRetention,
            schedulingProfile,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new ServerOptions
            {
                Listen = parseResult.GetRequiredValue(listen),
                DataDirectory = parseResult.GetRequiredValue(data),
                GrpcListen = parseResult.GetValue(grpcListen),
                Store = parseResult.GetValue(store),
                Nodes = NodeOptions(parseResult.GetValue(heartbeatGrace), parseResult.GetValue(lostGrace)),
                ServerId = parseResult.GetValue(serverId),
                LeaderLease = parseResult.GetValue(leaderLease) ?? ServerOptions.DefaultLeaderLease,
                Region = parseResult.GetValue(region),
                Parent = parseResult.GetValue(parent),
                RegionLink = parseResult.GetValue(reportInterval) is { } interval
                    ? new Berth.Server.Fleet.Hierarchy.RegionLinkOptions { ReportInterval = interval, DisconnectedAfter = interval * 5 }
                    : new Berth.Server.Fleet.Hierarchy.RegionLinkOptions(),
                // The local fleet provider starts this same berth as its agents, as berth dev does.
                AgentCommand = Dev.BerthExecutable.Current().AgentCommandLine(),
                FleetRebalanceInterval = parseResult.GetValue(fleetRebalanceInterval) ?? new ServerOptions().FleetRebalanceInterval,
                TlsDirectory = parseResult.GetValue(tlsDir),
                Insecure = parseResult.GetValue(insecure),
                NodeCertificateTtl = parseResult.GetValue(nodeCertTtl) ?? ServerOptions.DefaultNodeCertificateTtl,
                AuditRetention = parseResult.GetValue(auditRetention) ?? ServerOptions.DefaultAuditRetention,
                Placer = PlacerFor(parseResult.GetValue(schedulingProfile)),
                Authorization = parseResult.GetValue(authorization) switch
                {
                    "rbac" => Berth.Server.Security.AuthorizationMode.Rbac,
                    "open" => Berth.Server.Security.AuthorizationMode.Open,
                    _ => null,
                },
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            parseResult.GetRequiredValue(logFormat),
            cancellationToken));
        return command;
    }

    /// <summary>
    /// The placer for a built-in profile name (null: <see cref="PlacerOptions.Default"/>), scoring a share of the nodes
    /// as kube-scheduler does, like the default placer.
    /// </summary>
    public static PlacerOptions PlacerFor(string? profileName)
    {
        if (profileName is null)
        {
            return PlacerOptions.Default;
        }
        var profile = BuiltInProfiles.Find(profileName) ?? throw new ArgumentException(UnknownProfile(profileName), nameof(profileName));
        return PlacerOptions.Default with { Profile = profile with { PercentageOfNodesToScore = FeasibleNodeSampling.Adaptive } };
    }

    /// <summary>The error for a <c>--scheduling-profile</c> that names no built-in profile.</summary>
    public static string UnknownProfile(string name) =>
        $"--scheduling-profile '{name}' is not a built-in profile; use one of {string.Join(", ", BuiltInProfiles.Names)}";

    /// <summary>
    /// Node liveness from <c>--heartbeat-grace</c> and <c>--lost-grace</c> (null: the default). The check interval
    /// stays at its default unless a grace is shorter than twice it; then it is half the shorter grace, so a node is
    /// declared at most half a grace late and the interval is always inside both graces.
    /// </summary>
    public static NodeManagerOptions NodeOptions(TimeSpan? heartbeatGrace, TimeSpan? lostGrace)
    {
        var defaults = new NodeManagerOptions();
        var heartbeat = heartbeatGrace ?? defaults.HeartbeatGrace;
        var lost = lostGrace ?? defaults.LostGrace;
        var shorter = heartbeat < lost ? heartbeat : lost;
        var check = defaults.CheckInterval * 2 <= shorter ? defaults.CheckInterval : shorter / 2;
        return defaults with { HeartbeatGrace = heartbeat, LostGrace = lost, CheckInterval = check };
    }

    /// <summary>Starts the server and waits until <paramref name="cancellationToken"/> (Ctrl+C) or the host stops; 2 for unusable options or store.</summary>
    /// <param name="logFormat">The console log format (<see cref="ConsoleLogFormat"/>).</param>
    public static async Task<int> RunAsync(ServerOptions options, TextWriter output, TextWriter error, string logFormat, CancellationToken cancellationToken)
    {
        ServerHost host;
        try
        {
            host = await ServerHost.StartAsync(options, logging => ConsoleLogFormat.Use(logging, logFormat), cancellationToken).ConfigureAwait(false);
        }
        catch (ServerOptionsException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Program.UsageError;
        }
        catch (StoreUnavailableException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Program.UsageError;
        }
        await using (host.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"berth server listening on {host.Address}; press Ctrl+C to stop").ConfigureAwait(false);
            await output.WriteLineAsync($"agents connect over gRPC at {host.GrpcAddress} (found at {host.Address}v1/info)").ConfigureAwait(false);
            try
            {
                await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: disposing the host below stops it gracefully.
            }
        }
        return 0;
    }
}
