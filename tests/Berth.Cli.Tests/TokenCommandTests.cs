using System.Text.RegularExpressions;
using Berth.Cli.Tests.Fixtures;

namespace Berth.Cli.Tests;

/// <summary><c>berth token</c>, <c>berth get roles|rolebindings|tokens|audit</c> and <c>--token</c> against a server in open mode.</summary>
public sealed class TokenCommandTests : RunningServerCliTests
{
    private const string Workload = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: web, namespace: prod}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]
              resources: {requests: {cpu: 100m, memory: 16Mi}}
        """;

    private const string Binding = """
        apiVersion: berth.dev/v1
        kind: RoleBinding
        metadata: {name: dev-prod}
        spec:
          role: developer
          subjects: [{kind: Group, name: dev}]
          namespaces: [prod]
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string CreateToken(params string[] options)
    {
        var (code, output, error) = Cli(["token", "create", .. options]);
        Assert.True(code == 0, error);
        return Assert.Single(output.Split('\n'), l => l.StartsWith("berth_", StringComparison.Ordinal)).Trim();
    }

    [Fact]
    public void ViewerToken_ApplyRefusedListAllowed_AndAuditShowsTheRefusal()
    {
        var token = CreateToken("--user", "bob", "--group", "dev", "--role", "viewer", "--ttl", "1h");
        var manifest = Write("web.yaml", Workload);

        var refused = Cli("apply", "-f", manifest, "--token", token);
        var listed = Cli("get", "workloads", "--token", token);

        Assert.Equal(2, refused.Code);
        Assert.Contains("user 'bob' (groups: dev) may not apply workloads in namespace 'prod'", refused.Err, StringComparison.Ordinal);
        Assert.True(listed.Code == 0, listed.Err);
        var audit = Cli("get", "audit", "--user", "bob", "--since", "1h");
        Assert.True(audit.Code == 0, audit.Err);
        Assert.Matches(@"bob\s+apply\s+workloads\s+prod\s+prod/web\s+403\s+denied", audit.Out);
    }

    [Fact]
    public void RoleBinding_AppliedThenListed_GivesTheGroupItsNamespace()
    {
        var token = CreateToken("--user", "carol", "--group", "dev");
        Assert.Equal(0, Cli("apply", "-f", Write("binding.yaml", Binding)).Code);

        var bindings = Cli("get", "rolebindings");
        var applied = Cli("apply", "-f", Write("web.yaml", Workload), "--token", token);

        Assert.Matches(@"dev-prod\s+developer\s+Group:dev\s+prod", bindings.Out);
        Assert.True(applied.Code == 0, applied.Err);
    }

    [Fact]
    public void Revoke_ListedToken_IsRefusedAfterwards()
    {
        var token = CreateToken("--user", "dave", "--role", "operator");
        var id = token.Split('_')[1];
        Assert.Matches($@"{id}\s+dave\s+\S+\s+operator\s+.*active", Cli("token", "list").Out);

        var revoked = Cli("token", "revoke", id);
        var after = Cli("get", "nodes", "--token", token);

        Assert.True(revoked.Code == 0, revoked.Err);
        Assert.Equal(2, after.Code);
        Assert.Contains($"token {id} was revoked at", after.Err, StringComparison.Ordinal);
        Assert.Matches($@"{id}\s+dave.*revoked", Cli("get", "tokens").Out);
    }

    [Fact]
    public void GetRoles_Table_ListsTheBuiltIns()
    {
        var (code, output, error) = Cli("get", "roles");

        Assert.True(code == 0, error);
        Assert.Matches(@"NAME\s+BUILT-IN\s+VERBS\s+KINDS\s+NAMESPACES", output);
        Assert.Matches(@"admin\s+yes\s+\*\s+\*\s+\*", output);
        Assert.Matches(@"viewer\s+yes\s+get,list,watch\s+", output);
        Assert.Matches(@"developer\s+yes\s+\*\s+workloads,quotas,reservations,logs,events", output);
    }

    [Fact]
    public void GetAudit_OptionsOnAnotherResource_AreRefused()
    {
        var (code, _, error) = Cli("get", "nodes", "--user", "bob");

        Assert.Equal(2, code);
        Assert.Contains("work only with `berth get audit`", error, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("^berth_"), error);
    }
}
