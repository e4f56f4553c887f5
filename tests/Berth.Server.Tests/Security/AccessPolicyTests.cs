using Berth.Core.Specs;
using Berth.Server.Security;

namespace Berth.Server.Tests.Security;

public sealed class AccessPolicyTests
{
    private static readonly CallerIdentity Bob = new("bob", ["dev"], IdentitySources.Token);

    private static RoleBindingSpec Binding(string name, string role, SubjectKind kind, string subject, params string[] namespaces) =>
        new(name, role, [new RoleSubject(kind, subject)], namespaces);

    [Theory]
    [InlineData("viewer", "list", "workloads", "", true)]
    [InlineData("viewer", "get", "workloads", "prod", true)]
    [InlineData("viewer", "watch", "events", "", true)]
    [InlineData("viewer", "apply", "workloads", "prod", false)]
    [InlineData("viewer", "list", "tokens", "", false)]
    [InlineData("viewer", "list", "audit", "", false)]
    [InlineData("operator", "drain", "nodes", "", true)]
    [InlineData("operator", "apply", "workloads", "prod", true)]
    [InlineData("operator", "apply", "rolebindings", "", false)]
    [InlineData("operator", "create", "tokens", "", false)]
    [InlineData("operator", "create", "bootstraptokens", "", false)]
    [InlineData("admin", "create", "tokens", "", true)]
    [InlineData("admin", "*", "*", "", true)]
    [InlineData("developer", "apply", "workloads", "a", true)]
    [InlineData("developer", "get", "logs", "a", true)]
    [InlineData("developer", "cordon", "nodes", "", false)]
    public void Decide_BuiltInRoleBoundToUser_AllowsWhatTheRoleSays(string role, string verb, string kind, string ns, bool allowed)
    {
        var policy = new AccessPolicy([], [Binding("b", role, SubjectKind.User, "bob")]);

        Assert.Equal(allowed, policy.Decide(Bob, verb, kind, ns).Allowed);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("b", false)]
    [InlineData("", false)]
    public void Decide_DeveloperBoundToNamespaceA_ReachesOnlyA(string ns, bool allowed)
    {
        var policy = new AccessPolicy([], [Binding("dev-a", "developer", SubjectKind.Group, "dev", "a")]);

        Assert.Equal(allowed, policy.Decide(Bob, AccessVerbs.Delete, AccessKinds.Workloads, ns).Allowed);
    }

    [Fact]
    public void Decide_OperatorAskedForAdminOnly_IsRefused()
    {
        var policy = new AccessPolicy([], [Binding("ops", "operator", SubjectKind.User, "bob")]);

        Assert.False(policy.Decide(Bob, RoleRule.Wildcard, RoleRule.Wildcard, "").Allowed);
    }

    [Fact]
    public void Decide_StoredRoleWithNamespacedRule_AllowsOnlyItsVerbsKindsAndNamespaces()
    {
        var scaler = new RoleSpec("scaler", [new RoleRule([AccessVerbs.Scale, AccessVerbs.Get], [AccessKinds.Workloads], ["web"])]);
        var policy = new AccessPolicy([scaler], [Binding("s", "scaler", SubjectKind.User, "bob")]);

        Assert.True(policy.Decide(Bob, AccessVerbs.Scale, AccessKinds.Workloads, "web").Allowed);
        Assert.False(policy.Decide(Bob, AccessVerbs.Scale, AccessKinds.Workloads, "db").Allowed);
        Assert.False(policy.Decide(Bob, AccessVerbs.Delete, AccessKinds.Workloads, "web").Allowed);
        Assert.False(policy.Decide(Bob, AccessVerbs.List, AccessKinds.Workloads, "").Allowed);
    }

    [Fact]
    public void Decide_BindingToAnotherUserOrGroup_GrantsNothing()
    {
        var policy = new AccessPolicy([], [Binding("x", "admin", SubjectKind.User, "alice"), Binding("y", "admin", SubjectKind.Group, "ops")]);

        var decision = policy.Decide(Bob, AccessVerbs.Get, AccessKinds.Nodes, "");

        Assert.False(decision.Allowed);
        Assert.Empty(decision.Grants);
    }

    [Fact]
    public void Decide_MastersGroup_IsAdminWithoutBinding()
    {
        var master = new CallerIdentity("root", [CallerIdentity.MastersGroup], IdentitySources.Certificate);

        var decision = AccessPolicy.BuiltInOnly.Decide(master, AccessVerbs.Create, AccessKinds.Tokens, "");

        Assert.True(decision.Allowed);
        Assert.Equal("admin", Assert.Single(decision.Grants).Role);
    }

    [Fact]
    public void Decide_TokenRole_AppliesEverywhere()
    {
        var caller = Bob with { TokenRole = "viewer" };

        Assert.True(AccessPolicy.BuiltInOnly.Decide(caller, AccessVerbs.List, AccessKinds.Nodes, "").Allowed);
        Assert.False(AccessPolicy.BuiltInOnly.Decide(caller, AccessVerbs.Apply, AccessKinds.Workloads, "a").Allowed);
    }

    [Fact]
    public void Decide_BindingToMissingRole_AllowsNothingAndSaysSo()
    {
        var policy = new AccessPolicy([], [Binding("b", "ghost", SubjectKind.User, "bob")]);

        var decision = policy.Decide(Bob, AccessVerbs.Get, AccessKinds.Nodes, "");

        Assert.False(decision.Allowed);
        Assert.Equal("ghost (no such role)", Assert.Single(decision.Grants).Describe());
    }

    [Fact]
    public void Forbidden_ViewerApplyingInProd_SaysWhatWasAskedWhatIsMissingAndHowToFix()
    {
        var decision = new AccessPolicy([], [Binding("b", "viewer", SubjectKind.User, "bob")]).Decide(Bob, AccessVerbs.Apply, AccessKinds.Workloads, "prod");

        var message = SecurityMessages.Forbidden(Bob, AccessVerbs.Apply, AccessKinds.Workloads, "prod", decision.Grants);

        Assert.StartsWith("user 'bob' (groups: dev) may not apply workloads in namespace 'prod': no role bound to bob or their groups allows it; bound roles: viewer. Ask an admin for a RoleBinding", message, StringComparison.Ordinal);
        Assert.Contains("developer with namespaces: [prod]", message, StringComparison.Ordinal);
    }
}
