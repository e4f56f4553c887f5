namespace Berth.Core.Resources;

/// <summary>What one container asks for (requests) and may use at most (limits).</summary>
public sealed record ResourceRequirements(ResourceList Requests, ResourceList Limits)
{
    /// <summary>No requests and no limits.</summary>
    public static readonly ResourceRequirements None = new(ResourceList.Empty, ResourceList.Empty);

    /// <summary>
    /// The requests Kubernetes would use: a resource with a limit but no request is requested at its limit
    /// (the API server's defaulting).
    /// </summary>
    public ResourceList EffectiveRequests
    {
        get
        {
            var result = Requests;
            foreach (var (name, limit) in Limits)
            {
                if (!Requests.ContainsKey(name))
                {
                    result = result.With(name, limit);
                }
            }
            return result;
        }
    }
}
