namespace Berth.Scheduling.Fleet;

/// <summary>The cluster a share goes to: an existing one (perhaps grown) or one to create.</summary>
/// <param name="Pool">The pool it is in.</param>
/// <param name="Name">The existing cluster's name; null for a cluster to create.</param>
/// <param name="NodeClass">Its node class.</param>
/// <param name="NodesBefore">Its nodes now (0 for a cluster to create).</param>
/// <param name="NodesAfter">Its nodes once the plan is carried out; more than <paramref name="NodesBefore"/> means create or grow.</param>
public sealed record PlannedCluster(string Pool, string? Name, string NodeClass, int NodesBefore, int NodesAfter)
{
    /// <summary>True when the cluster does not exist yet.</summary>
    public bool IsNew => Name is null;

    /// <summary>Nodes to add to an existing cluster (0 for a new one, which is created with <see cref="NodesAfter"/>).</summary>
    public int NodesToAdd => IsNew ? 0 : NodesAfter - NodesBefore;
}
