using Berth.Core.Manifests;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

public class ExampleWorkloadsTests
{
    /// <summary>Every manifest under examples/workloads, relative to the repository root.</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in ExampleFiles())
        {
            data.Add(file);
        }
        return data;
    }

    private static IEnumerable<string> ExampleFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "examples", "workloads"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadAll_ReadsExampleWithoutError(string file)
    {
        var specs = WorkloadManifestReader.ReadAll(File.ReadAllText(Path.Combine(RepositoryPaths.Root, file)));
        Assert.NotEmpty(specs);
        Assert.All(specs, s => Assert.NotEmpty(s.Containers));
    }

    [Fact]
    public void ExampleFiles_IncludeWeb() => Assert.Contains(Path.Combine("examples", "workloads", "web.yaml"), ExampleFiles());
}
