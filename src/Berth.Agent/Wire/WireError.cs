namespace Berth.Agent.Wire;

/// <summary>An error answer of the REST API, <c>{"error": "..."}</c>.</summary>
internal sealed record WireError(string Error);
