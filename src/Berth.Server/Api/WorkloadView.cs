using Berth.Core.Specs;

namespace Berth.Server.Api;

/// <summary>A stored workload.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The workload's mod revision.</param>
/// <param name="Spec">The spec.</param>
public sealed record WorkloadView(string Namespace, string Name, long Revision, WorkloadSpec Spec);
