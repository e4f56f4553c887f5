namespace Berth.Core.Specs;

/// <summary>When an agent starts a replica's processes again after they exit (Kubernetes' restartPolicy).</summary>
public enum RestartPolicy
{
    /// <summary>Restarts whenever the processes exit, successfully or not (the default: services).</summary>
    Always,
    /// <summary>Restarts only after a failure (non-zero exit or a signal); a clean exit completes the replica (batch jobs).</summary>
    OnFailure,
    /// <summary>Never restarts; the replica ends with its processes.</summary>
    Never,
}
