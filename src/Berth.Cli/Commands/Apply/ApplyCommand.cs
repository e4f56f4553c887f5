using System.CommandLine;
using System.Text;
using Berth.Cli.Commands.Client;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Apply;

/// <summary><c>berth apply -f FILE|DIR</c>: sends workload manifests to the server in one request (all or nothing).</summary>
public static class ApplyCommand
{
    /// <summary>File extensions read from a directory.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = CommonOptions.File("A manifest file, or a directory whose .yaml, .yml and .json files are all applied together");
        var command = new Command("apply", "Create or update workloads from manifests") { file };
        ClientAction.Set(command, async (parseResult, client, output, cancellationToken) =>
        {
            var text = ReadManifests(parseResult.GetRequiredValue(file));
            var response = BerthClient.Read<ApplyResponse>(await client.ApplyAsync(text, cancellationToken).ConfigureAwait(false));
            foreach (var applied in response.Workloads)
            {
                await output.WriteLineAsync($"workload {applied.Namespace}/{applied.Name} {applied.Outcome.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            }
            foreach (var applied in response.Objects)
            {
                var subject = applied.Namespace.Length == 0 ? applied.Name : $"{applied.Namespace}/{applied.Name}";
                await output.WriteLineAsync($"{applied.Kind.ToLowerInvariant()} {subject} {applied.Outcome.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    /// <summary>The text of a file, or of every manifest file of a directory (by name) as one multi-document stream.</summary>
    /// <exception cref="ClientException">The path is missing or unreadable, or the directory holds no manifests (exit 2).</exception>
    public static string ReadManifests(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
            if (!Directory.Exists(path))
            {
                throw new ClientException(ClientMessages.FileNotFound(path), Program.UsageError);
            }
            var files = Directory.EnumerateFiles(path)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new ClientException(ClientMessages.NoManifests(path), Program.UsageError);
            }
            var text = new StringBuilder();
            foreach (var f in files)
            {
                var content = File.ReadAllText(f).Trim();
                // Each file may open with its own document marker; one separator between files is enough.
                if (content.StartsWith("---", StringComparison.Ordinal))
                {
                    content = content[3..].TrimStart();
                }
                if (text.Length > 0)
                {
                    text.Append("\n---\n");
                }
                text.Append(content).Append('\n');
            }
            return text.ToString();
        }
        catch (IOException e)
        {
            throw new ClientException(ClientMessages.FileUnreadable(path, e.Message), Program.UsageError, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ClientException(ClientMessages.FileUnreadable(path, e.Message), Program.UsageError, e);
        }
    }
}
