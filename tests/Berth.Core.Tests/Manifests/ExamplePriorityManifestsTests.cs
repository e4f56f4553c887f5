using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

/// <summary>The manifests under examples/priority stay valid: every document reads with its kind's reader.</summary>
public class ExamplePriorityManifestsTests
{
    [Theory]
    [InlineData("batch.yaml", 3, 1)]
    [InlineData("api.yaml", 0, 1)]
    public void ReadAll_ReadsEveryDocumentWithItsKindsReader(string file, int classes, int workloads)
    {
        var documents = ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("priority", file));

        var read = documents.Select(d => d.Kind == ManifestKinds.PriorityClass ? (object)PriorityClassReader.Read(d) : WorkloadManifestReader.Read(d)).ToList();

        Assert.Equal(classes, read.OfType<PriorityClass>().Count());
        Assert.Equal(workloads, read.OfType<WorkloadSpec>().Count());
        Assert.All(read.OfType<WorkloadSpec>(), w => Assert.NotNull(w.PriorityClassName));
        Assert.True(read.OfType<PriorityClass>().Count(c => c.GlobalDefault) <= 1);
    }
}
