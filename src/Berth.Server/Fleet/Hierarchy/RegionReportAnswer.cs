namespace Berth.Server.Fleet.Hierarchy;

/// <summary>The parent's answer to a <see cref="RegionReport"/>.</summary>
/// <param name="Parent">The parent's own region (its <c>--region</c>); empty for a root started without one.</param>
/// <param name="Regions">Every region the parent knows: its own, its own pools' and each child's with its pools', sorted.</param>
public sealed record RegionReportAnswer(string Parent, IReadOnlyList<string> Regions);
