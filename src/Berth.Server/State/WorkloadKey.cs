using Berth.Core.Specs;

namespace Berth.Server.State;

/// <summary>Names one workload: its namespace and name, written <c>namespace/name</c>.</summary>
/// <param name="Namespace">The workload's namespace (a DNS-1123 label).</param>
/// <param name="Name">The workload's name (a DNS-1123 subdomain).</param>
public readonly record struct WorkloadKey(string Namespace, string Name)
{
    /// <summary>The key of <paramref name="workload"/>.</summary>
    public static WorkloadKey Of(WorkloadSpec workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return new WorkloadKey(workload.Namespace, workload.Name);
    }

    /// <summary>Parses <c>namespace/name</c>, validating both parts.</summary>
    /// <exception cref="FormatException">The text is not <c>namespace/name</c> with valid names; the message says why.</exception>
    public static WorkloadKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new FormatException(StateMessages.WorkloadKeyWithoutSlash(text));
        }
        var key = new WorkloadKey(text[..slash], text[(slash + 1)..]);
        KeyLayout.Validate(key);
        return key;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Name}";
}
