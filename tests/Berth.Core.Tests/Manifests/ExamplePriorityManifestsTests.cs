using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

/// <summary>The manifests under examples/priority stay valid: every document reads with its kind's reader.</summary>
public class ExamplePriorityManifestsTests
{
    [Theory]
    [InlineData("batch.yaml", 3, 1)]
    [InlineData("api.yaml", 0, 1)]
    public void ReadAll_ReadsEveryDocumentWithItsKindsReader(string file, int classes, int workloads)
    {
        var documents = ManifestDocumentReader.ReadAll(File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", "priority", file)));

        var read = documents.Select(d => d.Kind == ManifestKinds.PriorityClass ? (object)PriorityClassReader.Read(d) : WorkloadManifestReader.Read(d)).ToList();

        Assert.Equal(classes, read.OfType<PriorityClass>().Count());
        Assert.Equal(workloads, read.OfType<WorkloadSpec>().Count());
        Assert.All(read.OfType<WorkloadSpec>(), w => Assert.NotNull(w.PriorityClassName));
        Assert.True(read.OfType<PriorityClass>().Count(c => c.GlobalDefault) <= 1);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Berth.slnx not found above the test directory");
    }
}
