namespace Berth.Core.Specs;

/// <summary>The reason and message of the event a rule appends when it fires.</summary>
/// <param name="Reason">A short word for the event (letters and digits, e.g. NodeHot).</param>
/// <param name="Message">The text; <c>{rule}</c>, <c>{subject}</c> and <c>{condition}</c> are replaced. Null: the condition's summary.</param>
public sealed record EventAction(string Reason, string? Message);
