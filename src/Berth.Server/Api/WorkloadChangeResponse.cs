using Berth.Core.Specs;

namespace Berth.Server.Api;

/// <summary>The answer to <c>POST /v1/workloads/{ns}/{name}/scale|stop|start</c>: the workload as it now stands.</summary>
/// <param name="Key">The workload's store key.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
/// <param name="Revision">The workload's mod revision: the new one when changed, else the one read.</param>
/// <param name="Changed">False when the workload already was as asked and nothing was written.</param>
/// <param name="Replicas">The replica count now wanted.</param>
/// <param name="DesiredState">The desired state now.</param>
public sealed record WorkloadChangeResponse(string Key, string Namespace, string Name, long Revision, bool Changed, int Replicas, DesiredState DesiredState);
