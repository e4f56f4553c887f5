namespace Berth.Server.Automation;

/// <summary>Where a webhook delivery stands.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Not answered with 2xx yet; the next attempt is due at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>An attempt was answered with 2xx.</summary>
    Succeeded,

    /// <summary>Every attempt failed (or the rule went away); nothing more is tried.</summary>
    Failed,
}
