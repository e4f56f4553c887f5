using Berth.Server.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Api.Grpc;

/// <summary>
/// Every REST operation under <c>/v1</c> has its gRPC counterpart in proto/berth.proto and the other way round, read
/// from the endpoints the server really maps and from the generated service descriptor, so the two cannot drift apart
/// silently: a new REST endpoint fails here until it gets an rpc (or is listed as REST-only, with the reason).
/// </summary>
public sealed class RestGrpcParityTests : IAsyncLifetime
{
    /// <summary>REST endpoint name (its <c>WithName</c>) → the rpcs that do the same.</summary>
    private static readonly Dictionary<string, string[]> Counterparts = new(StringComparer.Ordinal)
    {
        ["Apply"] = ["Apply"],
        ["Plan"] = ["Plan"],
        ["ListWorkloads"] = ["ListWorkloads"],
        ["GetWorkload"] = ["GetWorkload"],
        ["DeleteWorkload"] = ["DeleteWorkload"],
        ["ScaleWorkload"] = ["ScaleWorkload"],
        ["Rebalance"] = ["Rebalance"],
        ["StopWorkload"] = ["StopWorkload"],
        ["StartWorkload"] = ["StartWorkload"],
        ["ListNodes"] = ["ListNodes"],
        ["CordonNode"] = ["CordonNode"],
        ["UncordonNode"] = ["UncordonNode"],
        ["DrainNode"] = ["DrainNode"],
        ["ListAssignments"] = ["ListAssignments"],
        // GET /v1/events answers a page, or with follow=true a stream: two rpcs.
        ["ListEvents"] = ["ListEvents", "WatchEvents"],
        // GET .../logs answers the tail, or with follow=true a stream: one streaming rpc with a follow field.
        ["GetReplicaLogs"] = ["ReplicaLogs"],
        ["ListServers"] = ["ListServers"],
        ["ListQuotas"] = ["ListQuotas"],
        ["ListObjects"] = ["ListObjects"],
        ["DeleteClusterObject"] = ["DeleteObject"],
        ["DeleteObject"] = ["DeleteObject"],
    };

    /// <summary>REST endpoints with no gRPC counterpart, and why.</summary>
    private static readonly Dictionary<string, string> RestOnly = new(StringComparer.Ordinal)
    {
        // How an agent given the REST address finds the gRPC one; a gRPC client already has it.
        ["GetServerInfo"] = "info",
        // Reserved, used and held per reservation, worked out for `berth get reservations`; the policy kinds are REST-only so far.
        ["ListReservations"] = "reservations",
        // A child region control plane reports to the REST address its --parent names; the listing serves that registration.
        ["ReportRegion"] = "region hierarchy",
        ["ListRegions"] = "region hierarchy",
        ["AcceptDelegation"] = "region hierarchy",
        ["AcceptEscalation"] = "region hierarchy",
        // The fleet layer's listings are REST-only while its shapes settle (the clusters Berth created).
        ["ListFleetClusters"] = "fleet clusters",
        // Fleet placement views for `berth describe workload` and `berth get pools`; read-only, worked out from the decisions and clusters.
        ["GetFleetWorkload"] = "fleet workload",
        ["ListFleetPools"] = "fleet pools",
        // Security administration and the caller's own view, REST-only like the other listings of the security part.
        ["CreateToken"] = "security",
        ["ListTokens"] = "security",
        ["RevokeToken"] = "security",
        ["ListRoles"] = "security",
        ["WhoAmI"] = "security",
        ["ListAudit"] = "security",
    };

    private RunningServer? _server;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private List<string> RestOperations()
    {
        var source = _server!.Host.Services.GetRequiredService<EndpointDataSource>();
        var names = new List<string>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (pattern.StartsWith("/v1/", StringComparison.Ordinal))
            {
                var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
                Assert.True(name is not null, $"{pattern} has no .WithName(...); name it so it can be matched to its rpc");
                names.Add(name);
            }
        }
        return names;
    }

    private static HashSet<string> Rpcs() => [.. V1.Berth.Descriptor.Methods.Select(m => m.Name)];

    [Fact]
    public void RestOperations_EachHasAGrpcCounterpartOrIsListedRestOnly()
    {
        var missing = RestOperations().Where(name => !Counterparts.ContainsKey(name) && !RestOnly.ContainsKey(name)).ToList();

        Assert.True(missing.Count == 0,
            $"REST operations without a gRPC counterpart: {string.Join(", ", missing)}. Add an rpc to proto/berth.proto "
            + "implemented in Api/Grpc/BerthGrpcService.cs (calling the same ApiOperations method as the REST handler) and "
            + "list it in Counterparts here, or list the endpoint in RestOnly with the reason.");
    }

    [Fact]
    public void Counterparts_NameRpcsTheServiceHasAndRestEndpointsTheServerMaps()
    {
        var rest = RestOperations().ToHashSet(StringComparer.Ordinal);
        var rpcs = Rpcs();

        Assert.Equal(Array.Empty<string>(), Counterparts.Keys.Where(name => !rest.Contains(name)).ToArray());
        Assert.Equal(Array.Empty<string>(), RestOnly.Keys.Where(name => !rest.Contains(name)).ToArray());
        Assert.Equal(Array.Empty<string>(), Counterparts.Values.SelectMany(r => r).Where(rpc => !rpcs.Contains(rpc)).ToArray());
    }

    [Fact]
    public void Rpcs_EachIsTheCounterpartOfARestOperation()
    {
        var listed = Counterparts.Values.SelectMany(r => r).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Array.Empty<string>(), Rpcs().Where(rpc => !listed.Contains(rpc)).ToArray());
    }
}
