namespace Berth.Core.Tests.Fixtures;

/// <summary>Finds files of the repository (examples) from the test's output directory.</summary>
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

    /// <summary>The text of a file under the repository's <c>examples</c> directory.</summary>
    public static string ReadExample(params string[] parts) => File.ReadAllText(Path.Combine([Root, "examples", .. parts]));
}
