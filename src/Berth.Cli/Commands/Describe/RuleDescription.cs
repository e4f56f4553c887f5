using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Cli.Commands.Get;
using Berth.Core.Manifests;
using Berth.Server.Automation;

namespace Berth.Cli.Commands.Describe;

/// <summary><c>berth describe rule NAME</c>: a rule's condition and actions (secrets hidden), where it stands per subject, and its latest webhook deliveries.</summary>
public static class RuleDescription
{
    /// <summary>How many of the rule's latest deliveries are shown.</summary>
    public const int DeliveriesShown = 10;

    /// <summary>Builds the <c>rule</c> subcommand of <c>describe</c>.</summary>
    public static Command Command()
    {
        var name = new Argument<string>("name") { Description = "The Rule's name" };
        var command = new Command("rule", "Show a Rule: condition, actions, whether it is firing, its episodes and webhook deliveries") { name };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var given = Uri.EscapeDataString(parseResult.GetRequiredValue(name));
            var view = BerthClient.Read<RuleView>(await client.GetAsync($"{RuleTable.Path}/{given}", cancellationToken).ConfigureAwait(false));
            var deliveries = BerthClient.Read<WebhookDelivery[]>(
                await client.GetAsync($"{WebhookDeliveryTable.Path}?rule={given}", cancellationToken).ConfigureAwait(false));
            Write(view, deliveries, output);
            return 0;
        });
        return command;
    }

    /// <summary>Writes one rule.</summary>
    public static void Write(RuleView view, IReadOnlyList<WebhookDelivery> deliveries, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(output);
        Field(output, "Name", view.Name);
        Field(output, "Revision", Render.Number(view.Revision));
        Field(output, "Condition", view.Condition);
        output.WriteLine("Actions:");
        foreach (var action in view.Spec.Actions)
        {
            if (action.Event is { } e)
            {
                output.WriteLine($"  - event: reason {e.Reason}{(e.Message is { } m ? $", message \"{m}\"" : "")}");
            }
            else if (action.Cordon is not null)
            {
                output.WriteLine("  - cordon: the node it fires for");
            }
            else if (action.Webhook is { } hook)
            {
                var secret = hook.SecretEnv is { } variable ? $"secret from ${variable}" : "secret hidden";
                output.WriteLine($"  - webhook: {hook.Url} ({secret}, up to {Render.Number(hook.MaxAttempts)} attempts, timeout {DurationReader.Format(hook.Timeout)})");
            }
        }
        Field(output, "Firing", RuleTable.Firing(view));
        Field(output, "Episodes", Render.Number(view.Episodes));
        Field(output, "Last fired", view.LastFired is null ? Render.None : $"{Render.Time(view.LastFired)} for {view.LastSubject}");
        output.WriteLine("Subjects:");
        if (view.Subjects.Count == 0)
        {
            output.WriteLine($"  {Render.None}");
        }
        else
        {
            Render.Columns(output, ["SUBJECT", "STATE", "EPISODES", "SINCE", "LAST FIRED", "SEEN"],
                view.Subjects.Select(s => (IReadOnlyList<string>)[s.Subject, s.State.ToString(), Render.Number(s.Episodes), Render.Time(s.Since), Render.Time(s.FiredAt), s.Summary]),
                "  ");
        }
        output.WriteLine("Webhook deliveries:");
        if (deliveries.Count == 0)
        {
            output.WriteLine($"  {Render.None}");
        }
        else
        {
            Render.Columns(output, ["ID", "SUBJECT", "STATE", "ATTEMPTS", "LAST STATUS", "LAST ERROR"],
                deliveries.Take(DeliveriesShown).Select(d =>
                {
                    var last = d.Attempts.Count == 0 ? null : d.Attempts[^1];
                    return (IReadOnlyList<string>)[d.Id, d.Subject, d.State.ToString(), $"{Render.Number(d.Attempts.Count)}/{Render.Number(d.MaxAttempts)}",
                        last?.Status is { } status ? Render.Number(status) : Render.None, last?.Error ?? Render.None];
                }),
                "  ");
        }
    }

    private static void Field(TextWriter output, string name, string value) => output.WriteLine($"{name + ":",-16}{value}");
}
