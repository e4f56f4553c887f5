namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>
/// A fact that drives a browser: skipped with <see cref="Chromium.SkipReason"/> when Chromium is missing locally; under
/// CI=true there is no skip reason, so the test runs and fails when Chromium is missing.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason from the machine.</summary>
    public ChromiumFactAttribute()
    {
        Skip = Chromium.SkipReason;
    }
}
