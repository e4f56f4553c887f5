using Berth.Core.Specs;

namespace Berth.Cli.Commands.Client;

/// <summary>A workload named on the command line as NAME (with <c>-n</c>) or NAMESPACE/NAME.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
public sealed record WorkloadReference(string Namespace, string Name)
{
    /// <summary>The API path, <c>v1/workloads/{ns}/{name}</c>.</summary>
    public string Path => $"v1/workloads/{Uri.EscapeDataString(Namespace)}/{Uri.EscapeDataString(Name)}";

    /// <summary>Parses <paramref name="text"/>; <paramref name="ns"/> is <c>-n</c> (null when not given).</summary>
    /// <exception cref="ClientException">Not NAME or NS/NAME, or a namespace other than <c>-n</c> (exit 2).</exception>
    public static WorkloadReference Parse(string text, string? ns)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
        {
            throw new ClientException(ClientMessages.BadWorkloadReference(text), Program.UsageError);
        }
        if (parts.Length == 1)
        {
            return new WorkloadReference(string.IsNullOrEmpty(ns) ? WorkloadSpec.DefaultNamespace : ns, parts[0]);
        }
        if (!string.IsNullOrEmpty(ns) && ns != parts[0])
        {
            throw new ClientException(ClientMessages.NamespaceConflict(text, ns), Program.UsageError);
        }
        return new WorkloadReference(parts[0], parts[1]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Name}";
}
