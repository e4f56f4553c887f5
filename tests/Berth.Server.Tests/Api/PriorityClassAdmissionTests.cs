using Berth.Core.Manifests;
using Berth.Server.Api;

namespace Berth.Server.Tests.Api;

/// <summary><see cref="PriorityClassAdmission"/> without a server: which field an error names.</summary>
public sealed class PriorityClassAdmissionTests
{
    [Fact]
    public void Admit_SameNameInTwoNamespaces_ErrorNamesTheWorkloadOfTheRightNamespace()
    {
        const string manifest = """
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {name: web, namespace: team-a}
            spec: {containers: [{name: main, command: [sleep, "1"]}]}
            ---
            apiVersion: berth.dev/v1
            kind: Workload
            metadata: {name: web, namespace: team-b}
            spec: {containers: [{name: main, command: [sleep, "1"]}], priorityClassName: gold}
            """;
        var workloads = ManifestDocumentReader.ReadAll(manifest).Select(WorkloadManifestReader.Read).ToList();

        var error = Assert.Throws<ManifestException>(() => PriorityClassAdmission.Admit(manifest, workloads, [], []));

        Assert.StartsWith("[1].spec.priorityClassName: no priority class named 'gold'", error.Message, StringComparison.Ordinal);
    }
}
