using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Berth.Server.Api;
using Berth.Server.Security;
using Berth.Server.Tests.Fixtures;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Tests.Security;

/// <summary>Authentication, authorization and audit through a real server, REST and gRPC.</summary>
public sealed class RbacApiTests : IAsyncLifetime
{
    private RunningServer? _server;
    private string _admin = "";

    private RunningServer Server => _server!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(options => options with { Authorization = AuthorizationMode.Rbac });
        _admin = await TokenAsync("root", [CallerIdentity.MastersGroup]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A token made straight in the store, as the first admin token is made out of band.</summary>
    private async Task<string> TokenAsync(string user, string[] groups, string? role = null, TimeProvider? time = null) =>
        (await new ApiTokens(Server.Host.Store, time ?? TimeProvider.System).CreateAsync(new TokenRequest(user, groups, role, null))).Token;

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, Server.Url(path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, body.StartsWith('{') ? "application/json" : "application/yaml");
        }
        using var response = await Server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string ErrorOf(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private static string Workload(string name, string ns) => $"""
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {"{"}requests: {"{"}cpu: 100m, memory: 16Mi{"}"}{"}"}

        """;

    private static string Binding(string name, string role, string subjectKind, string subject, string? ns = null) => $"""
        apiVersion: berth.dev/v1
        kind: RoleBinding
        metadata: {"{"}name: {name}{"}"}
        spec:
          role: {role}
          subjects: [{"{"}kind: {subjectKind}, name: {subject}{"}"}]
        {(ns is null ? "" : $"  namespaces: [{ns}]")}

        """;

    private async Task ApplyAsAdminAsync(string manifest)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "v1/apply", _admin, manifest);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    private async Task<AuditEntry[]> AuditAsync(string user)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "v1/audit?limit=1000&user=" + user, _admin);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonSerializer.Deserialize(body, ApiJson.Info<AuditEntry[]>())!;
    }

    [Fact]
    public async Task Apply_ViewerToken_Is403SayingWhatIsMissingButListWorks()
    {
        await ApplyAsAdminAsync(Binding("bob-views", "viewer", "User", "bob"));
        var bob = await TokenAsync("bob", ["dev"]);
        long before = await RequestWrites.RevisionAsync(Server.Host.Store);

        var (status, body) = await SendAsync(HttpMethod.Post, "v1/apply", bob, Workload("web", "prod"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith(
            "user 'bob' (groups: dev) may not apply workloads in namespace 'prod': no role bound to bob or their groups allows it; bound roles: viewer. Ask an admin for a RoleBinding",
            ErrorOf(body), StringComparison.Ordinal);
        Assert.Equal(before, await RequestWrites.RevisionAsync(Server.Host.Store));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "v1/workloads", bob)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "v1/nodes", bob)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "v1/tokens", bob)).Status);
    }

    [Fact]
    public async Task Request_ExpiredToken_Is401SayingExpired()
    {
        var expired = await TokenAsync("bob", [], "admin", new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(-60)));

        var (status, body) = await SendAsync(HttpMethod.Get, "v1/workloads", expired);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired at", ErrorOf(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_RevokedToken_Is401SayingRevoked()
    {
        var bob = await TokenAsync("bob", [], "admin");
        Assert.True(ApiTokens.TrySplit(bob, out var id, out _));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "v1/workloads", bob)).Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"v1/tokens/{id}/revoke", _admin)).Status);
        var (status, body) = await SendAsync(HttpMethod.Get, "v1/workloads", bob);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains($"token {id} was revoked at", ErrorOf(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-token", "malformed")]
    [InlineData("berth_0123456789abcdef_0000000000000000000000000000000000000000000000000000000000000000", "unknown")]
    public async Task Request_BadToken_Is401NamingWhy(string token, string why)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "v1/workloads", token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(why, ErrorOf(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_NoCredentialInRbacMode_Is401ButHealthAndInfoArePublic()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "v1/workloads", null);

        Assert.Equal((HttpStatusCode.Unauthorized, SecurityMessages.NoCredential), (status, ErrorOf(body)));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "healthz", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "v1/info", null)).Status);
    }

    [Fact]
    public async Task Apply_DeveloperBoundToNamespaceA_ChangesAButNeverB()
    {
        await ApplyAsAdminAsync(Binding("dev-a", "developer", "Group", "dev", ns: "a"));
        await ApplyAsAdminAsync(Workload("db", "b"));
        var bob = await TokenAsync("bob", ["dev"]);

        var applied = await SendAsync(HttpMethod.Post, "v1/apply", bob, Workload("web", "a"));
        Assert.True(applied.Status == HttpStatusCode.OK, applied.Body);
        var scaled = await SendAsync(HttpMethod.Post, "v1/workloads/a/web/scale", bob, "{\"replicas\": 2}");
        Assert.True(scaled.Status == HttpStatusCode.OK, scaled.Body);
        var (status, body) = await SendAsync(HttpMethod.Post, "v1/apply", bob, Workload("web2", "a") + "---\n" + Workload("web", "b"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("may not apply workloads in namespace 'b'", ErrorOf(body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "v1/workloads/a/web2", _admin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Delete, "v1/workloads/b/db", bob)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "v1/workloads/b/db/stop", bob)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "v1/workloads/b/db", bob)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "v1/workloads/b/db", _admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, "v1/workloads/a/web", bob)).Status);
    }

    [Fact]
    public async Task Audit_AllowedAndRefusedAppliesAndDeletes_EachRecordedWithOutcome()
    {
        await ApplyAsAdminAsync(Binding("carol-views", "viewer", "User", "carol"));
        var carol = await TokenAsync("carol", []);

        await ApplyAsAdminAsync(Workload("web", "prod"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "v1/apply", carol, Workload("web", "prod"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Delete, "v1/workloads/prod/web", carol)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Delete, "v1/workloads/prod/web", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, "v1/workloads/prod/web", _admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "v1/workloads/prod/web", _admin)).Status);

        var root = (await AuditAsync("root")).Where(e => e.Kind == "workloads").ToArray();
        Assert.Equal(
            [("apply", "prod/web", 200, AuditEntry.Succeeded), ("delete", "web", 200, AuditEntry.Succeeded), ("delete", "web", 404, AuditEntry.Failed)],
            root.Select(e => (e.Verb, e.Name, e.Status, e.Outcome)));
        Assert.Equal(IdentitySources.Token, root[0].Source);
        Assert.Equal("prod", root[0].Namespace);
        var refused = await AuditAsync("carol");
        Assert.Equal([("apply", 403, AuditEntry.Denied), ("delete", 403, AuditEntry.Denied)], refused.Select(e => (e.Verb, e.Status, e.Outcome)));
        Assert.Contains("may not apply workloads", refused[0].Reason, StringComparison.Ordinal);
        var anonymous = Assert.Single(await AuditAsync(CallerIdentity.AnonymousName));
        Assert.Equal((401, AuditEntry.Unauthenticated, "DELETE /v1/workloads/prod/web"), (anonymous.Status, anonymous.Outcome, anonymous.Route));
    }

    [Fact]
    public async Task Grpc_ViewerApplyRefusedAdminApplyAllowed_BothAudited()
    {
        await ApplyAsAdminAsync(Binding("dave-views", "viewer", "User", "dave"));
        var dave = await TokenAsync("dave", []);
        using var channel = GrpcChannel.ForAddress(Server.Host.GrpcAddress);
        var client = new V1.Berth.BerthClient(channel);
        Metadata As(string token) => new() { { "authorization", "Bearer " + token } };

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ApplyAsync(new V1.ApplyRequest { Manifest = Workload("web", "prod") }, As(dave)));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("user 'dave' may not apply workloads in namespace 'prod'", refused.Status.Detail, StringComparison.Ordinal);
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () => await client.ListWorkloadsAsync(new V1.ListWorkloadsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Empty((await client.ListWorkloadsAsync(new V1.ListWorkloadsRequest(), As(dave))).Workloads);
        await client.ApplyAsync(new V1.ApplyRequest { Manifest = Workload("web", "prod") }, As(_admin));
        var cordon = await Assert.ThrowsAsync<RpcException>(async () => await client.CordonNodeAsync(new V1.CordonNodeRequest { Name = "n1" }, As(dave)));
        Assert.Equal(StatusCode.PermissionDenied, cordon.StatusCode);

        var daves = await AuditAsync("dave");
        Assert.Equal([("apply", 403, "/berth.v1.Berth/Apply"), ("cordon", 403, "/berth.v1.Berth/CordonNode")], daves.Select(e => (e.Verb, e.Status, e.Route)));
        Assert.Contains(await AuditAsync("root"), e => e.Route == "/berth.v1.Berth/Apply" && e.Status == 200 && e.Name == "prod/web");
    }

    [Fact]
    public async Task WhoAmI_TokenWithGroupsAndBinding_AnswersNameGroupsSourceAndRoles()
    {
        await ApplyAsAdminAsync(Binding("dev-a", "developer", "Group", "dev", ns: "a"));
        var bob = await TokenAsync("bob", ["dev"], "viewer");

        var (status, body) = await SendAsync(HttpMethod.Get, "v1/whoami", bob);

        Assert.Equal(HttpStatusCode.OK, status);
        var me = JsonSerializer.Deserialize(body, ApiJson.Info<WhoAmIResponse>())!;
        Assert.Equal(("bob", "dev", IdentitySources.Token, "rbac"), (me.Name, Assert.Single(me.Groups), me.Source, me.Mode));
        Assert.Equal([("viewer", "token", ""), ("developer", "rolebinding/dev-a", "a")], me.Roles.Select(r => (r.Role, r.Via, string.Join(",", r.Namespaces))));
        Assert.NotEmpty(me.Roles[1].Rules);
    }

    [Fact]
    public async Task Tokens_CreateListRevokeOverRest_ListHasNoSecret()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "v1/tokens", _admin, "{\"user\": \"erin\", \"groups\": [\"ops\"], \"role\": \"operator\", \"ttlSeconds\": 3600}");
        Assert.Equal(HttpStatusCode.Created, status);
        var created = JsonSerializer.Deserialize(body, ApiJson.Info<CreatedToken>())!;
        // Authorized as operator, so the answer is the operation's own: no such workload.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "v1/workloads/x/y/stop", created.Token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "v1/tokens", created.Token)).Status);

        var (_, list) = await SendAsync(HttpMethod.Get, "v1/tokens", _admin);

        Assert.Contains("\"erin\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token[^64..], list, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
        var bad = await SendAsync(HttpMethod.Post, "v1/tokens", _admin, "{\"user\": \"erin\", \"role\": \"ghost\"}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("role 'ghost' does not exist", ErrorOf(bad.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionReport_Allowed_IsNotAuditedButARefusalIs()
    {
        var server = await TokenAsync("eu-west-server", [CallerIdentity.ServersGroup]);
        var stranger = await TokenAsync("mallory", []);
        const string report = """{"region":"eu-west","address":"http://127.0.0.1:1/","pools":[],"nodeClasses":[]}""";

        var (status, body) = await SendAsync(HttpMethod.Post, "v1/fleet/regions", server, report);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "v1/fleet/regions", stranger, report)).Status);

        Assert.Empty(await AuditAsync("eu-west-server"));
        var refused = Assert.Single(await AuditAsync("mallory"));
        Assert.Equal(("create", "regions", 403), (refused.Verb, refused.Kind, refused.Status));
    }
}
