namespace Berth.Server.Automation;

/// <summary>Where a rule stands for one subject.</summary>
public enum RuleEpisodeState
{
    /// <summary>The condition holds but not yet for the rule's hold time (<c>nodeMetric.for</c>); nothing has fired.</summary>
    Pending,

    /// <summary>The condition holds and the actions of this episode have fired; they fire again only after it clears.</summary>
    Firing,

    /// <summary>The condition no longer holds; the next time it does starts a new episode.</summary>
    Cleared,
}
