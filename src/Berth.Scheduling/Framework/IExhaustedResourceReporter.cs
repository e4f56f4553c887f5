namespace Berth.Scheduling.Framework;

/// <summary>A filter whose refusals mean "not enough of a resource"; it names the resources for the diagnostics.</summary>
public interface IExhaustedResourceReporter
{
    /// <summary>Adds the names of the resources the node lacked, for a refusal this plugin recorded.</summary>
    void ExhaustedResources(SchedulingCycle cycle, int node, int reasonCode, List<string> resources);
}
