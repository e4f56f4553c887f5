using Berth.Server.State;

namespace Berth.Server.Api;

/// <summary>A stored assignment.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Revision">The key's mod revision.</param>
/// <param name="Assignment">The assignment.</param>
public sealed record AssignmentView(string Key, long Revision, Assignment Assignment);
