using Berth.Server.Agents;
using Berth.Server.Api;
using Berth.Server.Api.Grpc;
using Berth.Server.Dashboard;
using Berth.Server.Fleet.Hierarchy;
using Berth.Server.Leadership;
using Berth.Server.Logs;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Server.Security;
using Berth.Server.State;
using Berth.Store;
using Berth.Store.Etcd;
using Berth.Store.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Hosting;

/// <summary>
/// One running <c>berth server</c>: the SQLite store in the data directory, the REST API on Kestrel, and the control
/// loop (<see cref="ControlLoopService"/>). Start with <see cref="StartAsync"/>; dispose to stop gracefully (the loop
/// finishes its step, in-flight requests complete, then the store closes).
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IKeyValueStore _store;
    private bool _disposed;

    private ServerHost(WebApplication app, IKeyValueStore store, ServerOptions options, Uri address, Uri grpcAddress)
    {
        _app = app;
        _store = store;
        Options = options;
        Address = address;
        GrpcAddress = grpcAddress;
    }

    /// <summary>The options in force.</summary>
    public ServerOptions Options { get; }

    /// <summary>The bound API address, e.g. <c>http://127.0.0.1:7070/</c> (with the real port when <c>--listen</c> gave 0).</summary>
    public Uri Address { get; }

    /// <summary>The bound gRPC address of the agent protocol and the public API (HTTP/2 only), e.g. <c>http://127.0.0.1:7071/</c> (with the real port when <c>--grpc-listen</c> gave 0).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>What replicas wrote, as their agents pushed it (in memory).</summary>
    public ReplicaLogs Logs => _app.Services.GetRequiredService<ReplicaLogs>();

    /// <summary>The store.</summary>
    public IKeyValueStore Store => _store;

    /// <summary>The node manager (agents register through the gRPC agent protocol; tests may register nodes here directly).</summary>
    public NodeManager Nodes => _app.Services.GetRequiredService<NodeManager>();

    /// <summary>Wakes the control loop.</summary>
    public ControlLoopSignal Signal => _app.Services.GetRequiredService<ControlLoopSignal>();

    /// <summary>This server's leader election: whether it leads, and the leader it sees.</summary>
    public LeaderElection Election => _app.Services.GetRequiredService<LeaderElection>();

    /// <summary>The fleet clusters this control plane created, and the way to create, grow and delete them.</summary>
    public Fleet.FleetClusters FleetClusters => _app.Services.GetRequiredService<Fleet.FleetClusters>();

    /// <summary>The fleet controller: places fleet workloads by pools and clusters, and raises budget alerts.</summary>
    public Fleet.FleetController FleetController => _app.Services.GetRequiredService<Fleet.FleetController>();

    /// <summary>The automation rule engine (passes run on the leader every <see cref="Automation.RuleEngineOptions.Interval"/>).</summary>
    public Automation.RuleEngine Rules => _app.Services.GetRequiredService<Automation.RuleEngine>();

    /// <summary>The control loop, for tests that count its passes.</summary>
    internal ControlLoopService Loop => _app.Services.GetRequiredService<ControlLoopService>();
    /// <summary>The host's services (tests read the mapped endpoints from them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Completes when the host stops (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Validates <paramref name="options"/>, opens the store and starts the API and the control loop.</summary>
    /// <param name="logging">Adjusts logging (tests turn it down); null keeps the console logger.</param>
    /// <exception cref="ServerOptionsException">An option cannot be used (including an address another process listens on); the message names it.</exception>
    /// <exception cref="StoreUnavailableException">The store cannot be opened (e.g. another server holds it).</exception>
    public static async Task<ServerHost> StartAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var endPoint = options.ListenEndPoint();
        var grpcEndPoint = options.GrpcListenEndPoint();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        // Loaded before the store opens, so a bad --tls-dir is refused with nothing opened.
        var tls = options.TlsDirectory is { } tlsDirectory ? Security.TlsMaterial.Load(tlsDirectory) : null;
        IKeyValueStore store;
        if (options.UsesEtcd)
        {
            // The state lives in etcd; --data is not created, and the content root is only a place to stand.
            store = await ConnectEtcdAsync(options, cancellationToken).ConfigureAwait(false);
            dataDirectory = Directory.GetCurrentDirectory();
        }
        else
        {
            try
            {
                Directory.CreateDirectory(dataDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new ServerOptionsException(ServerMessages.DataDirectoryFailed(options.DataDirectory, e.Message));
            }

            store = SqliteStore.Open(new SqliteStoreOptions { DataSource = Path.Combine(dataDirectory, ServerOptions.DatabaseFileName) });
        }
        WebApplication? app = null;
        try
        {
            ListenOptions? grpcListen = null;
            // No reloading of appsettings: watching the content root (the data directory) put a file-system watcher on the
            // store's own files, which woke up and allocated for every write while placing.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], ContentRootPath = dataDirectory });
            // Per-request framework logs drown the server's own decisions; warnings and errors still show.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            // While starting, the host's own "failed to start" log only repeats the exception the caller gets (and turns
            // into one line, e.g. a port in use); after the start its errors (a failed background service) still show.
            var starting = new System.Runtime.CompilerServices.StrongBox<bool>(true);
            builder.Logging.AddFilter(ListenConflict.HostLogCategory, level => !starting.Value && level >= LogLevel.Information);
            logging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(endPoint, listen =>
                {
                    if (tls is not null)
                    {
                        listen.UseBerthTls(tls);
                    }
                });
                // gRPC needs HTTP/2; without TLS (no ALPN) a port speaks one protocol, so gRPC (agent protocol and public API) gets its own.
                kestrel.Listen(grpcEndPoint, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    grpcListen = listen;
                    if (tls is not null)
                    {
                        listen.UseBerthTls(tls);
                    }
                });
                kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
                kestrel.Limits.MaxRequestLineSize = ServerOptions.MaxRequestLineBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = ServerOptions.MaxRequestHeadersBytes;
                kestrel.AddServerHeader = false;
            });
            // Graceful shutdown: in-flight requests and the loop's current step get this long to finish.
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));

            var services = builder.Services;
            services.AddSingleton(options);
            services.AddSingleton<IKeyValueStore>(store);
            // One registry per host, so two servers in one process count apart; everything resolved from the services
            // writes through the metered view, which counts transactions and committed events.
            var metrics = new BerthMetrics();
            services.AddSingleton(metrics);
            services.Replace(ServiceDescriptor.Singleton<IKeyValueStore>(new MeteredKeyValueStore(store, metrics)));
            services.AddApiDocument();
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton(sp => new EventLog(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new NodeManager(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), options.Nodes));
            services.AddSingleton(sp => new Retries.RetryEngine(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), options.Retries));
            services.AddSingleton(sp => new WorkloadWriter(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>()));
            services.AddSingleton(sp => new ClusterQueries(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>()));
            services.AddSingleton<NodeInventory>();
            services.AddSingleton(sp => new Reservations.ReservationQueries(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new WorkloadHistory(sp.GetRequiredService<IKeyValueStore>()));
            services.AddSingleton<ControlLoopSignal>();
            // Fleet providers, picked by a pool's provider type: local agents started as processes (stopped when the host is
            // disposed) and hollow nodes inside this server.
            services.AddSingleton(sp => new Fleet.LocalClusterProvider(
                options.AgentCommand, () => sp.GetRequiredService<BoundAddresses>().Rest, sp.GetRequiredService<ILogger<Fleet.LocalClusterProvider>>())
            {
                AgentCredentials = tls is null ? null : ct => LocalAgentCredentials.ArgumentsAsync(sp.GetRequiredService<BootstrapTokens>(), options.TlsDirectory!, ct),
            });
            services.AddSingleton<Fleet.IClusterProvider>(sp => sp.GetRequiredService<Fleet.LocalClusterProvider>());
            services.AddSingleton(sp => new Fleet.SimulatedClusterProvider(
                sp.GetRequiredService<AgentOperations>(), logger: sp.GetRequiredService<ILogger<Fleet.SimulatedClusterProvider>>()));
            services.AddSingleton<Fleet.IClusterProvider>(sp => sp.GetRequiredService<Fleet.SimulatedClusterProvider>());
            // The one owner of the fleet cluster records; it picks among the registered providers by a pool's provider type.
            services.AddSingleton(sp => new Fleet.FleetClusters(
                sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), sp.GetServices<Fleet.IClusterProvider>(), sp.GetRequiredService<NodeManager>()));
            // Fleet rebalancing: migrations over derived workloads, and the leader's periodic pass that consolidates clusters.
            services.AddSingleton(sp => new Fleet.FleetMigration(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), sp.GetRequiredService<WorkloadWriter>()));
            services.AddSingleton(sp => new Fleet.FleetRebalancer(
                sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), sp.GetRequiredService<Fleet.FleetClusters>(), sp.GetRequiredService<Fleet.FleetMigration>()));
            services.AddHostedService<Fleet.FleetRebalanceService>();
            services.AddSingleton(sp => new AgentOperations(
                sp.GetRequiredService<IKeyValueStore>(),
                sp.GetRequiredService<NodeManager>(),
                sp.GetRequiredService<EventLog>(),
                sp.GetRequiredService<Retries.RetryEngine>(),
                sp.GetRequiredService<ControlLoopSignal>(),
                sp.GetRequiredService<WorkloadHistory>(),
                sp.GetRequiredService<NodeInventory>(),
                sp.GetRequiredService<HeartbeatBatcher>(),
                sp.GetRequiredService<StatusReportBatcher>()));
            // Heartbeats of many nodes share store transactions (group commit); disposed with the host, after the API.
            services.AddSingleton(sp => new HeartbeatBatcher(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<NodeManager>()));
            // So do Running reports of many replicas (hollow nodes at scale report thousands a second).
            services.AddSingleton(sp => new StatusReportBatcher(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<EventLog>(), options.StatusReportBatchWindow));
            services.AddSingleton(new ReplicaLogs(options.LogLinesPerReplica));
            services.AddSingleton<BoundAddresses>();
            services.AddGrpc();
            services.AddSingleton(sp => new PlacementPreview(sp.GetRequiredService<IKeyValueStore>(), options.Placer));
            // The public API's operations, called by the REST handlers and the gRPC service alike.
            services.AddSingleton<ApiOperations>();
            // The public gRPC API refuses a message over the REST body limit, as REST refuses such a body.
            services.AddGrpc().AddServiceOptions<Api.Grpc.BerthGrpcService>(grpc => grpc.MaxReceiveMessageSize = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue));
            // Leader election and the server's registration start before the loop and stop after it: the host stops
            // hosted services in reverse order, so a leader's loop ends before it resigns.
            services.AddSingleton(sp => new LeaderElection(sp.GetRequiredService<IKeyValueStore>(), options.LeaderLease, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeaderElection>>(), metrics));
            services.AddSingleton<LeadershipService>();
            services.AddHostedService(sp => sp.GetRequiredService<LeadershipService>());
            services.AddSingleton<ControlLoopService>();
            // The loop runs only while this server leads, on components that write through the leadership fence.
            services.Replace(ServiceDescriptor.Singleton(FencedControlLoop.Create));
            services.AddHostedService(sp => sp.GetRequiredService<ControlLoopService>());
            services.AddSingleton(sp => new Fleet.FleetController(
                new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()),
                new EventLog(new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<Fleet.FleetClusters>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Fleet.FleetController>>()));
            services.AddSingleton<Fleet.FleetControlService>();
            services.AddSingleton(sp => new Fleet.FleetQueries(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddHostedService(sp => sp.GetRequiredService<Fleet.FleetControlService>());
            // Automation rules: the leader's engine and its webhook dispatcher, both writing through the leadership fence.
            services.AddSingleton(options.Rules);
            services.AddSingleton(sp => new Automation.RuleEngine(
                new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()),
                new EventLog(new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()), sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<NodeManager>(), options.Rules, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Automation.RuleEngine>>()));
            services.AddSingleton(sp => new Automation.WebhookDispatcher(
                new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()),
                new EventLog(new LeadershipFence(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<LeaderElection>()), sp.GetRequiredService<TimeProvider>()),
                options.Rules, sp.GetRequiredService<TimeProvider>(), logger: sp.GetRequiredService<ILogger<Automation.WebhookDispatcher>>()));
            services.AddSingleton<Automation.RuleEngineService>();
            services.AddHostedService(sp => sp.GetRequiredService<Automation.RuleEngineService>());
            services.AddSingleton(sp => new Automation.RuleQueries(sp.GetRequiredService<IKeyValueStore>()));
            // Every server (leader or not) keeps the assignments by node in memory for the agents' WatchAssignments streams.
            services.AddSingleton(sp => new NodeAssignmentIndex(
                sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<WorkloadHistory>(), sp.GetRequiredService<ILogger<NodeAssignmentIndex>>()));
            services.AddHostedService(sp => sp.GetRequiredService<NodeAssignmentIndex>());
            // The region hierarchy: a parent's registry of child regions and its watch for silent ones; a child's link to its parent.
            services.AddFleetHierarchy(options);
            // Tokens, roles and the audit log; the public gRPC API's interceptor.
            services.AddBerthSecurity(options);
            // TLS: the material lives (and its keys are released) with the host; bootstrap tokens, node certificates, and
            // the node authorizer of the agent protocol.
            if (tls is not null)
            {
                services.AddSingleton(_ => tls);
            }
            services.AddSingleton(sp => new Security.BootstrapTokens(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new Security.NodeCertificates(
                sp.GetService<Security.TlsMaterial>(), sp.GetRequiredService<Security.BootstrapTokens>(), options, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new Security.NodeAuthorizer(options, sp.GetRequiredService<IKeyValueStore>()));

            app = builder.Build();
            app.Services.GetRequiredService<Fleet.FleetController>().Hierarchy = app.Services.GetRequiredService<FleetHierarchy>();
            // Rebalancing asks fleet placement where workloads go when they must leave a pool (budget, capacity, compliance).
            app.Services.GetRequiredService<Fleet.FleetRebalancer>().Placement = app.Services.GetRequiredService<Fleet.FleetController>();
            // Routing first, so request metrics are labelled by route pattern rather than by raw path.
            // First, so everything a request logs carries its correlation id.
            app.UseRequestCorrelation();
            app.UseRouting();
            app.UseRequestMetrics();
            app.UseBadRequestAnswers();
            app.UseGrpcRequestLimit();
            // After routing (it reads the endpoint's access requirement), before the endpoints.
            app.UseBerthSecurity();
            app.MapBerthApi();
            app.MapGrpcService<AgentGrpcService>();
            app.MapGrpcService<Api.Grpc.BerthGrpcService>();
            app.MapInfoApi();
            app.MapLogsApi();
            app.MapRegionApi();
            app.MapSecurityApi();
            app.MapMetricsEndpoint();
            app.MapNodeBootstrapApi();
            app.MapDashboard();
            // The default pattern, /openapi/{documentName}.json, serves ApiDocument.Path.
            app.MapOpenApi();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (ListenConflict.From(e, endPoint, grpcEndPoint) is { } conflict)
            {
                throw conflict;
            }
            finally
            {
                starting.Value = false;
            }

            // Kestrel writes the bound end point (the real port for port 0) back into the listen options.
            var grpcAddress = new Uri($"{(tls is null ? "http" : "https")}://{grpcListen!.IPEndPoint!}/");
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var address = new Uri(addresses.First(a => new Uri(a).Port != grpcAddress.Port).Replace("//[::]", "//localhost", StringComparison.Ordinal) + "/");
            app.Services.GetRequiredService<BoundAddresses>().Grpc = grpcAddress;
            app.Services.GetRequiredService<BoundAddresses>().Rest = address;
            // The default server id holds the bound API port, so the campaign starts only now.
            await app.Services.GetRequiredService<LeadershipService>().BeginAsync(address, grpcAddress, cancellationToken).ConfigureAwait(false);
            ServerLog.Listening(app.Services.GetRequiredService<ILogger<ServerHost>>(), address.ToString(), options.UsesEtcd ? options.Store!.Trim() : dataDirectory);
            if (tls is not null)
            {
                Security.TlsLog.TlsOn(app.Services.GetRequiredService<ILogger<ServerHost>>(), Path.Combine(options.TlsDirectory!, Security.TlsFiles.CaCertificate), options.NodeCertificateTtl);
            }
            else if (options.Insecure)
            {
                Security.TlsLog.Insecure(app.Services.GetRequiredService<ILogger<ServerHost>>(), $"{address} and {grpcAddress}");
            }
            return new ServerHost(app, store, options, address, grpcAddress);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                tls?.Dispose();
            }
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // One line naming --store when etcd does not answer, instead of the store's advice about writes that may have applied.
    private static async Task<IKeyValueStore> ConnectEtcdAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        var etcd = options.EtcdStore();
        try
        {
            return await EtcdStore.ConnectAsync(etcd, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            var problem = e.InnerException is Grpc.Core.RpcException rpc
                ? $"{rpc.StatusCode}: {rpc.Status.DebugException?.Message ?? rpc.Status.Detail}"
                : e.InnerException?.Message ?? e.Message;
            throw new StoreUnavailableException(ServerMessages.StoreUnreachable(options.Store!.Trim(), problem), e);
        }
    }

    /// <summary>Stops the API and the loop gracefully.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Stops (if running) and releases the store, so another host can open the same data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            // The store closes last: the loop and requests use it until the app is gone.
            await _app.DisposeAsync().ConfigureAwait(false);
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
