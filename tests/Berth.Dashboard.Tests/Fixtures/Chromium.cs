namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>
/// The browser the dashboard tests drive: the system's Chromium (Debian's <c>chromium</c> package, which .ci/run installs),
/// never one downloaded by Playwright. <c>BERTH_TEST_CHROMIUM</c> names another binary.
/// </summary>
internal static class Chromium
{
    /// <summary>Where Debian's package puts it.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>The environment variable that names another Chromium binary.</summary>
    public const string PathVariable = "BERTH_TEST_CHROMIUM";

    /// <summary>The Chromium binary to run.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>True when running under CI (<c>CI=true</c>), where a missing Chromium fails the tests instead of skipping them.</summary>
    public static bool InCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the binary exists.</summary>
    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>Why the browser tests are skipped here, or null when they run (Chromium found, or CI, where they must fail loudly).</summary>
    public static string? SkipReason => IsInstalled || InCi
        ? null
        : $"Chromium is not installed at {ExecutablePath}; install it (Debian: apt-get install chromium) or set {PathVariable} to run the dashboard's browser tests. Under CI=true these tests fail instead of skipping.";

    /// <summary>Fails with how to fix it when the binary is missing (the tests run only without a skip reason, i.e. with Chromium or in CI).</summary>
    public static void Require()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath} but CI=true: the dashboard's browser tests must run in CI. Install it (apt-get install -y chromium), as .ci/run does, or set {PathVariable}.");
        }
    }
}
