using System.Diagnostics;

namespace Berth.Cli.Commands.Dev;

/// <summary>
/// How to start this same <c>berth</c> again as a child process: the apphost directly, or <c>dotnet berth.dll</c> when
/// running under the muxer (then <see cref="Environment.ProcessPath"/> is <c>dotnet</c>, which needs the assembly
/// path as its first argument).
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="LeadingArguments">Arguments before the berth command line (the assembly path under <c>dotnet</c>).</param>
public sealed record BerthExecutable(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The running berth: its apphost when that is the current process, else <c>dotnet</c> with berth's assembly.</summary>
    public static BerthExecutable Current()
    {
        // typeof(Program), not the entry assembly: under a test host the entry assembly is the host, not berth.
        var assembly = typeof(Program).Assembly.Location;
        var processPath = Environment.ProcessPath ?? "dotnet";
        var processName = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(processName, Path.GetFileNameWithoutExtension(assembly), StringComparison.OrdinalIgnoreCase))
        {
            return new BerthExecutable(processPath, []);
        }
        var host = string.Equals(processName, "dotnet", StringComparison.OrdinalIgnoreCase) ? processPath : "dotnet";
        return new BerthExecutable(host, [assembly]);
    }

    /// <summary>This berth as the command line the server's <c>local</c> fleet provider starts agents with.</summary>
    public Berth.Server.Fleet.AgentCommandLine AgentCommandLine() => new(FileName, LeadingArguments);

    /// <summary>A start description for <c>berth</c> with <paramref name="arguments"/>.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(FileName) { UseShellExecute = false };
        foreach (var argument in LeadingArguments.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    /// <summary>
    /// How a person types this berth in a shell started in <paramref name="workingDirectory"/>: <c>berth</c> when the
    /// first <c>berth</c> on <c>PATH</c> is this one, else its path (relative when under the working directory).
    /// </summary>
    public string DisplayName(string workingDirectory, string? pathVariable)
    {
        var program = LeadingArguments.Count == 0 ? FileName : LeadingArguments[0];
        if (LeadingArguments.Count == 0 && IsFirstOnPath(Path.GetFileName(FileName), FileName, pathVariable))
        {
            return Path.GetFileNameWithoutExtension(FileName);
        }
        var relative = Path.GetRelativePath(workingDirectory, program);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? program : relative;
        if (shown.Contains(' ', StringComparison.Ordinal))
        {
            shown = $"'{shown}'";
        }
        return LeadingArguments.Count == 0 ? shown : $"dotnet {shown}";
    }

    private static bool IsFirstOnPath(string fileName, string fullPath, string? pathVariable)
    {
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                return string.Equals(Path.GetFullPath(candidate), Path.GetFullPath(fullPath), StringComparison.Ordinal);
            }
        }
        return false;
    }
}
