using Berth.Core.Manifests;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

public class ExampleQuotasTests
{
    [Fact]
    public void TeamAExample_ReadsAQuotaAndAWorkloadItAdmits()
    {
        var documents = ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("quotas", "team-a.yaml"));

        var quota = QuotaManifestReader.Read(Assert.Single(documents, d => d.Kind == QuotaManifestReader.Kind));
        var workload = WorkloadManifestReader.Read(Assert.Single(documents, d => d.Kind == ManifestKinds.Workload));

        Assert.Equal(("team-a", "team-a"), (quota.Namespace, workload.Namespace));
        // 4 × 300m passes the soft limit (1) and stays within the burst ceiling (1.5).
        Assert.Equal(1.5m, quota.BurstCeiling("cpu"));
    }
}
