using Berth.Core.Resources;

namespace Berth.Core.Manifests;

/// <summary>Reads a resource map (<c>{cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}</c>) with checked names and non-negative quantities.</summary>
public static class ResourceListReader
{
    /// <summary>The resources of a mapping node; empty for null or absent.</summary>
    /// <exception cref="ManifestException">An unknown resource name, a bad quantity or a negative amount, at its path.</exception>
    public static ResourceList Read(ManifestNode? node)
    {
        if (node is null)
        {
            return ResourceList.Empty;
        }
        var items = new List<KeyValuePair<string, Quantity>>();
        foreach (var (name, value) in node.Entries())
        {
            if (ResourceNames.Validate(name) is { } nameError)
            {
                value.Fail(nameError);
            }
            var quantity = ReadQuantity(value);
            if (ResourceNames.ExceedsSchedulingRange(name, quantity))
            {
                value.Fail($"{quantity} is too large: amounts are scheduled up to {ResourceNames.MaxSchedulingUnits} units "
                    + (ResourceNames.IsCountedInMilli(name) ? "of a thousandth" : "(8Pi bytes)"));
            }
            items.Add(KeyValuePair.Create(name, quantity));
        }
        return ResourceList.From(items);
    }

    /// <summary>One non-negative quantity in Kubernetes notation.</summary>
    public static Quantity ReadQuantity(ManifestNode node)
    {
        var text = node.AsString();
        if (!Quantity.TryParse(text, out var quantity, out var error))
        {
            node.Fail(error);
        }
        if (quantity.Amount < 0)
        {
            node.Fail($"'{text}' is negative; quantities must be zero or more");
        }
        return quantity;
    }
}
