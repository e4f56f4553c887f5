using System.Net;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary>Bad manifests are answered 400 with the field path, and the store is left as it was.</summary>
public sealed class BadManifestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Good = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: good}
        spec:
          replicas: 1
          containers: [{name: main, command: [sleep, "300"]}]
        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "negative replicas", Replace("replicas: 1", "replicas: -1"), "spec.replicas" },
        { "unknown field", Replace("replicas: 1", "replicas: 1\n  replicaz: 2"), "spec.replicaz" },
        { "no command", Replace("command: [sleep, \"300\"]", "args: [x]"), "spec.containers[0].command" },
        { "bad quantity", Replace("command: [sleep, \"300\"]", "command: [sleep], resources: {requests: {cpu: lots}}"), "spec.containers[0].resources.requests.cpu" },
        { "bad name", Replace("name: good", "name: Not_A_Name"), "metadata.name" },
        { "good then bad document", Good.Replace("name: good", "name: first", StringComparison.Ordinal) + "\n---\n" + Replace("replicas: 1", "replicas: many"), "[1].spec.replicas" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Cases))]
    public async Task Apply_BadManifest_400WithFieldPathAndStoreUnchanged(string name, string manifest, string path)
    {
        _ = name;
        var cluster = fixture.Cluster;
        await EnsureGoodWorkloadAsync(cluster);
        var workloads = (await cluster.GetTextAsync("v1/workloads")).Body;
        var assignments = (await cluster.GetTextAsync("v1/assignments")).Body;

        var (status, body) = await cluster.ApplyAsync(manifest);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"\"{path}", body, StringComparison.Ordinal);
        Assert.Equal(workloads, (await cluster.GetTextAsync("v1/workloads")).Body);
        Assert.Equal(assignments, (await cluster.GetTextAsync("v1/assignments")).Body);
    }

    [Fact(Timeout = 60_000)]
    public async Task ApplyCommand_BadManifest_ExitsTwoNamingTheFieldAndStoresNothing()
    {
        var cluster = fixture.Cluster;
        await EnsureGoodWorkloadAsync(cluster);
        var workloads = (await cluster.GetTextAsync("v1/workloads")).Body;
        var file = Path.Combine(cluster.WorkDirectory, "..", "bad.yaml");
        await File.WriteAllTextAsync(file, Replace("replicas: 1", "replicas: -1").Replace("name: good", "name: other", StringComparison.Ordinal));

        var (code, output) = await cluster.CliAsync("apply", "-f", file);

        Assert.Equal(2, code);
        Assert.Contains("spec.replicas", output, StringComparison.Ordinal);
        Assert.Equal(workloads, (await cluster.GetTextAsync("v1/workloads")).Body);
    }

    private static string Replace(string from, string to) => Good.Replace(from, to, StringComparison.Ordinal);

    /// <summary>The store holds one workload, so "unchanged" compares something.</summary>
    private static async Task EnsureGoodWorkloadAsync(TestCluster cluster)
    {
        var (status, body) = await cluster.ApplyAsync(Good);
        Assert.True(status == HttpStatusCode.OK, body);
    }
}
