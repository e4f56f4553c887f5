using System.Globalization;
using Berth.Core.Labels;

namespace Berth.Core.Specs;

/// <summary>
/// A Kubernetes PodDisruptionBudget: how many replicas matching <see cref="Selector"/> in <see cref="Namespace"/>
/// must stay up (<see cref="MinAvailable"/>) or may be down (<see cref="MaxUnavailable"/>). Preemption honours it.
/// </summary>
/// <param name="Selector">The replicas it covers; an empty selector covers none for preemption, as in Kubernetes' scheduler.</param>
/// <param name="MinAvailable">An integer such as <c>"2"</c> or a percentage such as <c>"50%"</c>; null when not set.</param>
/// <param name="MaxUnavailable">An integer such as <c>"1"</c> or a percentage such as <c>"25%"</c>; null when not set.</param>
public sealed record DisruptionBudget(
    string Name,
    string Namespace,
    LabelSelector Selector,
    string? MinAvailable = null,
    string? MaxUnavailable = null)
{
    /// <summary>Why the budget is invalid (both or a malformed amount given), or null when it is valid.</summary>
    public string? Validate()
    {
        if (MinAvailable is not null && MaxUnavailable is not null)
        {
            return $"disruption budget '{Namespace}/{Name}' sets both minAvailable and maxUnavailable; set one";
        }
        foreach (var (field, value) in new[] { ("minAvailable", MinAvailable), ("maxUnavailable", MaxUnavailable) })
        {
            if (value is not null && !TryParse(value, out _, out _))
            {
                return $"disruption budget '{Namespace}/{Name}' {field} '{value}' is not a non-negative integer or percentage such as 1 or 50%";
            }
        }
        return null;
    }

    /// <summary>True when the budget covers a replica with these labels in this namespace (for preemption).</summary>
    public bool Covers(string ns, IReadOnlyDictionary<string, string> labels) =>
        string.Equals(ns, Namespace, StringComparison.Ordinal) && !Selector.IsEmpty && labels.Count > 0 && Selector.Matches(labels);

    /// <summary>
    /// How many covered replicas may be disrupted now (Kubernetes' disruption controller <c>status.disruptionsAllowed</c>),
    /// given the covered replicas that are running and the summed scale of the workloads they belong to.
    /// </summary>
    /// <remarks>
    /// An integer minAvailable counts against the running replicas; a percentage, or maxUnavailable, against the scale,
    /// rounding percentages up. No expected replicas, or an invalid budget, allow nothing.
    /// </remarks>
    public int DisruptionsAllowed(int runningReplicas, int workloadScale)
    {
        int expected, desiredHealthy;
        if (MaxUnavailable is not null)
        {
            if (!TryParse(MaxUnavailable, out int amount, out bool percent))
            {
                return 0;
            }
            expected = workloadScale;
            int maxUnavailable = percent ? RoundUpPercent(amount, expected) : amount;
            desiredHealthy = Math.Max(0, expected - maxUnavailable);
        }
        else if (MinAvailable is not null)
        {
            if (!TryParse(MinAvailable, out int amount, out bool percent))
            {
                return 0;
            }
            expected = percent ? workloadScale : runningReplicas;
            desiredHealthy = percent ? RoundUpPercent(amount, expected) : amount;
        }
        else
        {
            expected = 0;
            desiredHealthy = 0;
        }
        int allowed = runningReplicas - desiredHealthy;
        return expected <= 0 || allowed <= 0 ? 0 : allowed;
    }

    private static int RoundUpPercent(int percent, int total) => (int)(((long)percent * total + 99) / 100);

    private static bool TryParse(string value, out int amount, out bool percent)
    {
        percent = value.EndsWith('%');
        var digits = percent ? value[..^1] : value;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
    }
}
