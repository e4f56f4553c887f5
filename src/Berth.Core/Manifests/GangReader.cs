using Berth.Core.Specs;

namespace Berth.Core.Manifests;

/// <summary>Reads a workload's <c>gang: {minAvailable: N, timeoutSeconds: T}</c>, the same in manifests and scenarios.</summary>
public static class GangReader
{
    /// <summary>
    /// The gang policy, or null when the field is absent or null. <c>minAvailable</c> is required, 1 to
    /// <paramref name="replicas"/>; <c>timeoutSeconds</c> is more than 0 (default <see cref="GangPolicy.DefaultTimeoutSeconds"/>).
    /// </summary>
    /// <param name="node">The <c>gang</c> node, or null.</param>
    /// <param name="replicas">The workload's replica count (a range's minimum), which bounds <c>minAvailable</c>.</param>
    /// <exception cref="ManifestException">A field is missing, unknown or out of range; the message names its path.</exception>
    public static GangPolicy? Read(ManifestNode? node, int replicas)
    {
        if (node is null || node.IsNull)
        {
            return null;
        }
        if (!node.IsMapping)
        {
            node.Fail("expected a mapping, e.g. {minAvailable: 4, timeoutSeconds: 60}");
        }
        node.ExpectFields("minAvailable", "timeoutSeconds");
        var minNode = node.RequiredField("minAvailable");
        int min = minNode.AsInt();
        if (min < 1)
        {
            minNode.Fail($"{min} is less than 1; a gang needs at least one replica");
        }
        if (min > replicas)
        {
            minNode.Fail($"{min} is more than the workload's {replicas} replica(s); use 1 to {replicas}, or raise replicas");
        }
        int timeout = GangPolicy.DefaultTimeoutSeconds;
        if (node.Field("timeoutSeconds") is { } timeoutNode)
        {
            timeout = timeoutNode.AsInt();
            if (timeout < 1)
            {
                timeoutNode.Fail($"{timeout} is not more than 0; give the seconds a partial gang may hold its replicas, e.g. 60");
            }
        }
        return new GangPolicy(min, timeout);
    }
}
