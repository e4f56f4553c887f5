using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>A weighted node preference (weight 1-100): nodes matching <see cref="Preference"/> score <see cref="Weight"/> more.</summary>
public sealed record PreferredSchedulingTerm(int Weight, NodeSelectorTerm Preference);
