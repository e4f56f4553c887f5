namespace Berth.Server.Nodes;

/// <summary>What <see cref="NodeManager.HeartbeatAsync"/> did.</summary>
public enum HeartbeatOutcome
{
    /// <summary>The beat was recorded; the node was and stays Ready.</summary>
    Recorded,

    /// <summary>The beat was recorded and the node, NotReady (or lost) until now, is Ready again.</summary>
    BecameReady,

    /// <summary>No node of that name is registered; the agent should register first.</summary>
    UnknownNode,
}
