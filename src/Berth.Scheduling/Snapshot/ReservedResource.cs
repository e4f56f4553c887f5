namespace Berth.Scheduling.Snapshot;

/// <summary>One resource of a reservation, as quantities a user writes (<c>4</c>, <c>500m</c>, <c>8Gi</c>).</summary>
/// <param name="Name">The resource.</param>
/// <param name="Reserved">The amount reserved, over all its nodes.</param>
/// <param name="Used">What the reservation's workloads use of it.</param>
/// <param name="Held">What it still holds off everyone else.</param>
public sealed record ReservedResource(string Name, string Reserved, string Used, string Held);
