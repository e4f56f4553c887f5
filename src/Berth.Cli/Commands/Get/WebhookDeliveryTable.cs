using Berth.Cli.Commands.Client;
using Berth.Server.Automation;

namespace Berth.Cli.Commands.Get;

/// <summary><c>berth get webhookdeliveries</c> as a table: each delivery's rule, subject, state and attempts, newest first.</summary>
public static class WebhookDeliveryTable
{
    /// <summary>The resource name.</summary>
    public const string Resource = "webhookdeliveries";

    /// <summary>The path the rows come from.</summary>
    public const string Path = "v1/webhookdeliveries";

    /// <summary>Writes the deliveries of a <c>GET /v1/webhookdeliveries</c> answer as columns (wide adds the URL, the episode and the last error).</summary>
    public static void Write(string json, bool wide, TextWriter output)
    {
        var deliveries = BerthClient.Read<WebhookDelivery[]>(json);
        IReadOnlyList<string> headers = wide
            ? ["ID", "RULE", "SUBJECT", "STATE", "ATTEMPTS", "LAST STATUS", "FIRED", "URL", "EPISODE", "LAST ERROR"]
            : ["ID", "RULE", "SUBJECT", "STATE", "ATTEMPTS", "LAST STATUS", "FIRED"];
        Render.Columns(output, headers, deliveries.Select(d =>
        {
            var last = d.Attempts.Count == 0 ? null : d.Attempts[^1];
            string[] row = [d.Id, d.Rule, d.Subject, d.State.ToString(), $"{Render.Number(d.Attempts.Count)}/{Render.Number(d.MaxAttempts)}",
                last?.Status is { } status ? Render.Number(status) : Render.None, Render.Time(d.FiredAt)];
            return wide ? (IReadOnlyList<string>)[.. row, d.Url, d.Episode, last?.Error ?? Render.None] : row;
        }));
    }
}
