namespace Berth.Core.Specs;

/// <summary>What a rule's condition is evaluated for, one episode per subject.</summary>
public enum RuleSubjectKind
{
    /// <summary>Each node (by name).</summary>
    Node,

    /// <summary>Each workload (<c>namespace/name</c>).</summary>
    Workload,

    /// <summary>Each pool (by name).</summary>
    Pool,
}
