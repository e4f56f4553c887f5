using System.CommandLine;
using System.Globalization;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Scale;

/// <summary><c>berth scale workload NAME|NS/NAME --replicas N [-n NS]</c>: sets a workload's replica count; the server adds or removes replicas.</summary>
public static class ScaleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var replicas = new Option<int>("--replicas", "-r")
        {
            Description = "How many replicas to run, 0 or more (within the workload's {min, max} when it declares one)",
            Required = true,
        };
        replicas.Validators.Add(result =>
        {
            // A token that is not a number already has System.CommandLine's error; only a parsed count is checked here.
            if (result.Tokens.Count == 1
                && int.TryParse(result.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && value < 0)
            {
                result.AddError(ClientMessages.NegativeReplicas(value));
            }
        });
        var workload = new Command("workload", "Set a workload's replica count") { name, ns, replicas };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            var body = string.Create(CultureInfo.InvariantCulture, $$"""{"replicas": {{parseResult.GetValue(replicas)}}}""");
            var response = BerthClient.Read<WorkloadChangeResponse>(await client.PostAsync(reference.Path + "/scale", body, cancellationToken).ConfigureAwait(false));
            await output.WriteLineAsync(response.Changed
                ? $"workload {reference} scaled to {Render.Number(response.Replicas)} replica(s)"
                : $"workload {reference} unchanged: already {Render.Number(response.Replicas)} replica(s)").ConfigureAwait(false);
            return 0;
        });
        return new Command("scale", "Change how many replicas a workload runs") { workload };
    }
}
