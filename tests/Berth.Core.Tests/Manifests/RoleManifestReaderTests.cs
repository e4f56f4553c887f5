using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public sealed class RoleManifestReaderTests
{
    private static ManifestDocument Document(string kind, string spec, string name = "r") =>
        ManifestDocumentReader.ReadAll($"apiVersion: berth.dev/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec: {spec}\n").Single();

    [Fact]
    public void Read_RoleWithRules_ReadsVerbsKindsAndDefaultNamespaces()
    {
        var role = RoleManifestReader.Read(Document("Role", "{rules: [{verbs: [get, scale], kinds: [workloads]}, {verbs: ['*'], kinds: [logs], namespaces: [web]}]}", "scaler"));

        Assert.Equal("scaler", role.Name);
        Assert.Equal(["get", "scale"], role.Rules[0].Verbs);
        Assert.Equal([RoleRule.Wildcard], role.Rules[0].Namespaces);
        Assert.Equal(["web"], role.Rules[1].Namespaces);
        Assert.True(role.Allows("scale", "workloads", "any"));
        Assert.True(role.Allows("delete", "logs", "web"));
        Assert.False(role.Allows("delete", "logs", "db"));
    }

    [Theory]
    [InlineData("{rules: [{verbs: [explode], kinds: [workloads]}]}", "spec.rules[0].verbs[0]: 'explode' is not a verb")]
    [InlineData("{rules: [{verbs: [get], kinds: [widgets]}]}", "spec.rules[0].kinds[0]: 'widgets' is not a kind")]
    [InlineData("{rules: [{verbs: [get]}]}", "spec.rules[0].kinds")]
    [InlineData("{rules: []}", "spec.rules: expected a list of at least one rule")]
    [InlineData("{rules: [{verbs: [get], kinds: [nodes], resources: [x]}]}", "spec.rules[0]")]
    public void Read_BadRole_NamesTheField(string spec, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => RoleManifestReader.Read(Document("Role", spec)));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RoleNamedLikeABuiltIn_IsRefused()
    {
        var e = Assert.Throws<ManifestException>(() => RoleManifestReader.Read(Document("Role", "{rules: [{verbs: [get], kinds: [nodes]}]}", "admin")));

        Assert.Contains("built-in role", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RoleBinding_ReadsRoleSubjectsAndNamespaces()
    {
        var binding = RoleBindingManifestReader.Read(Document("RoleBinding", "{role: developer, subjects: [{kind: User, name: bob}, {kind: Group, name: dev}], namespaces: [team-a]}"));

        Assert.Equal("developer", binding.Role);
        Assert.Equal([new RoleSubject(SubjectKind.User, "bob"), new RoleSubject(SubjectKind.Group, "dev")], binding.Subjects);
        Assert.Equal(["team-a"], binding.Namespaces);
        Assert.True(binding.Binds("alice", ["dev"]));
        Assert.False(binding.Binds("alice", ["ops"]));
    }

    [Theory]
    [InlineData("{subjects: [{kind: User, name: bob}]}", "spec.role")]
    [InlineData("{role: viewer, subjects: [{kind: Robot, name: r2}]}", "spec.subjects[0].kind: 'Robot' is not valid; use one of User, Group")]
    [InlineData("{role: viewer, subjects: []}", "spec.subjects: expected a list of at least one subject")]
    [InlineData("{role: viewer, subjects: [{kind: User, name: bob}], namespaces: ['*']}", "spec.namespaces: \"*\" is what leaving namespaces out means")]
    public void Read_BadRoleBinding_NamesTheField(string spec, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => RoleBindingManifestReader.Read(Document("RoleBinding", spec)));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}
