namespace Berth.Server.Api;

/// <summary>What an apply did to one workload.</summary>
public enum ApplyOutcome
{
    /// <summary>The workload did not exist and was written.</summary>
    Created,

    /// <summary>The workload existed with another spec and was rewritten.</summary>
    Configured,

    /// <summary>The workload existed with the same spec; nothing was written.</summary>
    Unchanged,
}
