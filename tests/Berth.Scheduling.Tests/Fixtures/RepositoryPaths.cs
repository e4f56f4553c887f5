namespace Berth.Scheduling.Tests.Fixtures;

/// <summary>Finds files of the repository (examples, specs) from the test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding Berth.slnx.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Berth.slnx not found above the test directory");
        }
    }

    /// <summary>Every example scenario file.</summary>
    public static IEnumerable<string> ExampleScenarios() =>
        Directory.GetFiles(Path.Combine(Root, "examples"), "*.yaml").Order(StringComparer.Ordinal);
}
