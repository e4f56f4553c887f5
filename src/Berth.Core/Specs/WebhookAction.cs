namespace Berth.Core.Specs;

/// <summary>A signed HTTP POST of the firing to <paramref name="Url"/>, retried with backoff.</summary>
/// <param name="Url">An absolute http or https URL.</param>
/// <param name="Secret">The HMAC-SHA256 key given inline (stored with the rule, never shown); or null with <paramref name="SecretEnv"/>.</param>
/// <param name="SecretEnv">The name of an environment variable of the server that holds the key, read at each delivery; or null with <paramref name="Secret"/>.</param>
/// <param name="MaxAttempts">How many times a delivery is tried before it is recorded as failed.</param>
/// <param name="Timeout">How long one attempt waits for an answer.</param>
public sealed record WebhookAction(string Url, string? Secret, string? SecretEnv, int MaxAttempts, TimeSpan Timeout)
{
    /// <summary>The default <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>The most <see cref="MaxAttempts"/> may be.</summary>
    public const int MaxMaxAttempts = 20;

    /// <summary>The default <see cref="Timeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
}
