using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Berth.Scheduling.Framework;

namespace Berth.Scheduling.Tests;

/// <summary>The scheduling core stays pure: no I/O, no network, no server or store, no wall clock (DESIGN.md layers).</summary>
public class ArchitectureTests
{
    private static readonly string[] ForbiddenAssemblyPrefixes = ["Microsoft.AspNetCore", "Berth.Store", "Berth.Server", "Berth.Agent", "Berth.Cli", "System.Net", "Grpc", "dotnet-etcd", "Microsoft.Data.Sqlite"];

    private static readonly string[] ForbiddenTypes =
    [
        "System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.IO.FileInfo", "System.IO.DirectoryInfo",
        "System.IO.StreamReader", "System.IO.StreamWriter", "System.Console", "System.Diagnostics.Stopwatch",
        "System.Net.Http.HttpClient", "System.Net.Sockets.Socket",
    ];

    [Theory]
    [InlineData("Berth.Scheduling")]
    [InlineData("Berth.Core")]
    public void Assembly_ReferencesNoServerStoreOrNetworkAssembly(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.Load(assemblyName);
        var offending = assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? "")
            .Where(name => ForbiddenAssemblyPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offending);
    }

    [Fact]
    public void Scheduling_UsesNoFileConsoleNetworkOrStopwatchType()
    {
        Assert.Empty(ReferencedTypes(typeof(Scheduler).Assembly.Location).Intersect(ForbiddenTypes));
    }

    [Fact]
    public void Scheduling_NeverReadsTheWallClock()
    {
        var clockReads = ReferencedMembers(typeof(Scheduler).Assembly.Location)
            .Where(m => m is "System.DateTime.get_Now" or "System.DateTime.get_UtcNow" or "System.DateTimeOffset.get_Now" or "System.DateTimeOffset.get_UtcNow")
            .ToList();
        Assert.Empty(clockReads);
    }

    private static IEnumerable<string> ReferencedTypes(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        return md.TypeReferences.Select(h => md.GetTypeReference(h)).Select(t => $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}").ToList();
    }

    private static IEnumerable<string> ReferencedMembers(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var result = new List<string>();
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
                result.Add($"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}.{md.GetString(member.Name)}");
            }
        }
        return result;
    }
}
