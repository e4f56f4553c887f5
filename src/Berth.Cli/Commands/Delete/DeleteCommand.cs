using System.CommandLine;
using Berth.Cli.Commands.Client;
using Berth.Server.State;

namespace Berth.Cli.Commands.Delete;

/// <summary><c>berth delete workload NAME|NS/NAME [-n NS]</c>: deletes a workload; the server removes its replicas.</summary>
public static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The workload: NAME or NAMESPACE/NAME" };
        var ns = CommonOptions.Namespace();
        var workload = new Command("workload", "Delete a workload") { name, ns };
        ClientAction.Set(workload, async (parseResult, client, output, cancellationToken) =>
        {
            var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
            await client.DeleteAsync(reference.Path, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"workload {reference} deleted").ConfigureAwait(false);
            return 0;
        });
        var delete = new Command("delete", "Delete resources") { workload };
        foreach (var kind in ObjectKinds.All)
        {
            delete.Subcommands.Add(ObjectCommand(kind));
        }
        return delete;
    }

    // berth delete quota NAME|NS/NAME, berth delete priorityclass NAME: one subcommand per stored kind.
    private static Command ObjectCommand(ObjectKind kind)
    {
        var name = new Argument<string>("name") { Description = kind.Namespaced ? $"The {kind.Kind}: NAME or NAMESPACE/NAME" : $"The {kind.Kind}'s name" };
        var command = new Command(kind.Kind.ToLowerInvariant(), $"Delete a {kind.Kind}") { name };
        var ns = CommonOptions.Namespace();
        if (kind.Namespaced)
        {
            command.Options.Add(ns);
        }
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            string path;
            string subject;
            if (kind.Namespaced)
            {
                var reference = WorkloadReference.Parse(parseResult.GetRequiredValue(name), parseResult.GetValue(ns));
                path = $"v1/objects/{kind.Plural}/{Uri.EscapeDataString(reference.Namespace)}/{Uri.EscapeDataString(reference.Name)}";
                subject = reference.ToString();
            }
            else
            {
                subject = parseResult.GetRequiredValue(name);
                path = $"v1/objects/{kind.Plural}/{Uri.EscapeDataString(subject)}";
            }
            await client.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{kind.Kind.ToLowerInvariant()} {subject} deleted").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
