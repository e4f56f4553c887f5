namespace Berth.Core.Specs;

/// <summary>Kubernetes' quality-of-service class, derived from requests and limits.</summary>
public enum QosClass
{
    /// <summary>Every container has equal cpu and memory requests and limits.</summary>
    Guaranteed,
    /// <summary>Some request or limit is set, but not Guaranteed.</summary>
    Burstable,
    /// <summary>No container sets a cpu or memory request or limit.</summary>
    BestEffort,
}
