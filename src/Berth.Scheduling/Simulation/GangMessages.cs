using System.Globalization;
using Berth.Core.Specs;

namespace Berth.Scheduling.Simulation;

/// <summary>What gang scheduling tells users, in the simulator and the control plane alike.</summary>
public static class GangMessages
{
    /// <summary>A replica held for its gang was released because the gang could not complete.</summary>
    public static string Released(string workload, GangPolicy gang, int held, int failedReplica, string? heldOn, string why) =>
        string.Create(CultureInfo.InvariantCulture,
            $"gang {workload} (minAvailable {gang.MinAvailable}) could not be placed: {held} replica(s) fit, replica {failedReplica} did not ({why}); released{(heldOn is null ? "" : $" its hold on {heldOn}")} with every other replica held for the gang");

    /// <summary>The replica that could not be placed, which sinks its gang.</summary>
    public static string Incomplete(string workload, GangPolicy gang, int held, string why) =>
        string.Create(CultureInfo.InvariantCulture,
            $"gang {workload} (minAvailable {gang.MinAvailable}) could not be placed: {why} The {held} replica(s) held for the gang were released.");

    /// <summary>A replica not tried because its gang already failed.</summary>
    public static string NotTried(string workload, GangPolicy gang, int failedReplica) =>
        string.Create(CultureInfo.InvariantCulture,
            $"gang {workload} (minAvailable {gang.MinAvailable}) could not be placed (replica {failedReplica} did not fit); nothing of the gang was placed");

    /// <summary>The end of the workload came with replicas still waiting (a gang larger than the replicas to place).</summary>
    public static string NeverCompleted(string workload, GangPolicy gang, int held) =>
        string.Create(CultureInfo.InvariantCulture,
            $"gang {workload} (minAvailable {gang.MinAvailable}) could not be placed: only {held} replica(s) were left to place; released every replica held for the gang");
}
