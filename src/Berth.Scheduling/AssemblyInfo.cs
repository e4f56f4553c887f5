using System.Runtime.CompilerServices;

// Stack scratch in the per-node loops is always written before it is read (see Berth.Scheduling.csproj).
[module: SkipLocalsInit]
[assembly: InternalsVisibleTo("Berth.Scheduling.Tests")]
