namespace Berth.Core.Specs;

/// <summary>Another workload of the same namespace this one talks to; fleet placement keeps it close when a latency bound names it.</summary>
/// <param name="Name">The other workload's name.</param>
/// <param name="Type">What it is (<c>Service</c>).</param>
/// <param name="Direction">Which way traffic flows: <c>outbound</c>, <c>inbound</c> or <c>both</c>.</param>
public sealed record WorkloadDependency(string Name, string Type, string Direction);
