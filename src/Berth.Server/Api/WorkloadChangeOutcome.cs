namespace Berth.Server.Api;

/// <summary>What an operator change of one workload (scale, stop, start) came to.</summary>
public enum WorkloadChangeOutcome
{
    /// <summary>A new revision of the workload was written, with its event.</summary>
    Changed,

    /// <summary>The workload already was as asked; nothing was written.</summary>
    Unchanged,

    /// <summary>No such workload; nothing was written.</summary>
    NotFound,

    /// <summary>The change does not fit the workload (e.g. replicas outside its range); nothing was written.</summary>
    Invalid,
}
