namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>Files of the repository the tests run from (the example manifests).</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository root: the first directory above the test output that holds Berth.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relative"/> under the root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Berth.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Berth.slnx above {AppContext.BaseDirectory}");
    }
}
