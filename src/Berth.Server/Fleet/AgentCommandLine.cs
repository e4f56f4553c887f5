namespace Berth.Server.Fleet;

/// <summary>
/// How to start <c>berth agent</c> on this machine: the same executable as the server, as <c>berth dev</c> starts its
/// agents (the apphost, or <c>dotnet</c> with berth's assembly as the first argument).
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="LeadingArguments">Arguments before <c>agent</c> (berth's assembly path under <c>dotnet</c>).</param>
public sealed record AgentCommandLine(string FileName, IReadOnlyList<string> LeadingArguments);
