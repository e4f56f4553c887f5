using System.Net;
using System.Text.Json.Nodes;
using Berth.Server.Api;
using Berth.Server.Tests.Fixtures;
using static Berth.Server.Tests.Fixtures.RunningServer;

namespace Berth.Server.Tests.Api;

/// <summary><c>GET /v1/nodes</c> with <c>offset</c>, <c>limit</c> and <c>filter</c>: one page with counts and what replicas hold; without them, every node as before.</summary>
public sealed class NodePagesTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await StartAsync();
        foreach (var name in new[] { "n1", "n2", "n3", "n4", "n5" })
        {
            await _server.Host.Nodes.RegisterAsync(Node(name) with { Labels = new Dictionary<string, string> { ["zone"] = name == "n5" ? "zone-b" : "zone-a" } });
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_NoParameters_AnswersEveryNodeAsAnArray()
    {
        var nodes = JsonNode.Parse(await _server.GetTextAsync("v1/nodes"))!.AsArray();

        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], nodes.Select(n => (string)n!["name"]!));
        Assert.NotNull(nodes[0]!["spec"]);
    }

    [Fact]
    public async Task List_OffsetAndLimit_AnswersThatPageInNameOrderWithTotals()
    {
        var page = JsonNode.Parse(await _server.GetTextAsync("v1/nodes?offset=2&limit=2"))!;

        Assert.Equal(5, (int)page["total"]!);
        Assert.Equal(5, (int)page["ready"]!);
        Assert.Equal(0, (int)page["cordoned"]!);
        Assert.Equal(2, (int)page["offset"]!);
        Assert.Equal(2, (int)page["limit"]!);
        Assert.Equal(["n3", "n4"], page["nodes"]!.AsArray().Select(n => (string)n!["name"]!));
    }

    [Fact]
    public async Task List_FilterOnLabel_CountsOnlyMatchingNodes()
    {
        var page = JsonNode.Parse(await _server.GetTextAsync("v1/nodes?filter=ZONE-B"))!;

        Assert.Equal(1, (int)page["total"]!);
        Assert.Equal(NodePages.DefaultLimit, (int)page["limit"]!);
        Assert.Equal(["n5"], page["nodes"]!.AsArray().Select(n => (string)n!["name"]!));
    }

    [Fact]
    public async Task List_ReplicasPlacedAndNodeCordoned_PageShowsHeldResourcesAndCordon()
    {
        await _server.ApplyAsync(Manifest("web", replicas: 5));
        await WaitForAsync(
            () => _server.GetTextAsync("v1/assignments"),
            text => JsonNode.Parse(text)!.AsArray().Count == 5,
            "five replicas placed");
        using (var cordon = await _server.Http.PostAsync(_server.Url("v1/nodes/n1/cordon"), null))
        {
            Assert.Equal(HttpStatusCode.OK, cordon.StatusCode);
        }

        var page = JsonNode.Parse(await _server.GetTextAsync("v1/nodes?limit=5"))!;

        Assert.Equal(1, (int)page["cordoned"]!);
        var nodes = page["nodes"]!.AsArray();
        Assert.True((bool)nodes[0]!["cordoned"]!);
        Assert.Equal(5, nodes.Sum(n => (int)n!["replicas"]!));
        var cpu = nodes.Select(n => n!["resources"]!.AsArray().Single(r => (string)r!["name"]! == "cpu")!).ToList();
        // Each replica requests 500m of a node's 4 cores.
        Assert.All(cpu, r => Assert.Equal(4m, (decimal)r["allocatable"]!));
        Assert.Equal(2.5m, cpu.Sum(r => (decimal)r["allocated"]!));
        Assert.All(nodes, n => Assert.DoesNotContain(n!["resources"]!.AsArray(), r => (string)r!["name"]! == "nvidia.com/gpu"));
    }

    [Theory]
    [InlineData("limit=0", "limit='0'")]
    [InlineData("limit=1001", "limit='1001'")]
    [InlineData("offset=-1", "offset='-1'")]
    [InlineData("offset=x", "offset='x'")]
    public async Task List_BadPageParameter_Answers400NamingIt(string query, string named)
    {
        using var response = await _server.Http.GetAsync(_server.Url("v1/nodes?" + query));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_OffsetPastTheEnd_AnswersAnEmptyPageWithTheTotal()
    {
        var page = JsonNode.Parse(await _server.GetTextAsync("v1/nodes?offset=50"))!;

        Assert.Equal(5, (int)page["total"]!);
        Assert.Empty(page["nodes"]!.AsArray());
    }
}
