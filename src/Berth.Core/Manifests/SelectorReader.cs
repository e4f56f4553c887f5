using Berth.Core.Labels;

namespace Berth.Core.Manifests;

/// <summary>Reads label selectors, node selectors and their requirements, with Kubernetes' validation of operators and values.</summary>
public static class SelectorReader
{
    /// <summary>A label selector (<c>{matchLabels: {…}, matchExpressions: [{key, operator, values}]}</c>); null when absent.</summary>
    /// <remarks>Label selectors allow In, NotIn, Exists and DoesNotExist; Gt and Lt belong to node selectors only.</remarks>
    public static LabelSelector? ReadLabelSelector(ManifestNode? node)
    {
        if (node is null)
        {
            return null;
        }
        node.ExpectFields("matchLabels", "matchExpressions");
        var matchLabels = LabelsReader.Read(node.Field("matchLabels"));
        var expressions = (node.Field("matchExpressions")?.Items() ?? []).Select(e => ReadRequirement(e, allowNumeric: false)).ToList();
        return new LabelSelector(matchLabels, expressions);
    }

    /// <summary>A required node selector (<c>{nodeSelectorTerms: [...]}</c>), terms ORed; at least one term.</summary>
    public static NodeSelector ReadNodeSelector(ManifestNode node)
    {
        node.ExpectFields("nodeSelectorTerms");
        var terms = node.RequiredField("nodeSelectorTerms");
        var items = terms.Items();
        if (items.Count == 0)
        {
            terms.Fail("must have at least one term");
        }
        return new NodeSelector([.. items.Select(ReadNodeSelectorTerm)]);
    }

    /// <summary>One node selector term (<c>{matchExpressions: [...], matchFields: [...]}</c>).</summary>
    /// <remarks>matchFields may only name <c>metadata.name</c> with In or NotIn and one value, as in Kubernetes.</remarks>
    public static NodeSelectorTerm ReadNodeSelectorTerm(ManifestNode node)
    {
        node.ExpectFields("matchExpressions", "matchFields");
        var expressions = (node.Field("matchExpressions")?.Items() ?? []).Select(e => ReadRequirement(e, allowNumeric: true)).ToList();
        var fields = new List<LabelRequirement>();
        foreach (var item in node.Field("matchFields")?.Items() ?? [])
        {
            var requirement = ReadRequirement(item, allowNumeric: false, checkKey: false);
            if (requirement.Key != NodeSelectorTerm.NodeNameField)
            {
                item.RequiredField("key").Fail($"'{requirement.Key}' is not a supported field; only {NodeSelectorTerm.NodeNameField} is");
            }
            if (requirement.Operator is not (SelectorOperator.In or SelectorOperator.NotIn) || requirement.Values.Count != 1)
            {
                item.Fail("a matchFields requirement must use In or NotIn with exactly one value");
            }
            fields.Add(requirement);
        }
        return new NodeSelectorTerm(expressions, fields);
    }

    /// <summary>One requirement <c>{key, operator, values}</c>.</summary>
    /// <param name="allowNumeric">Whether Gt and Lt are allowed (node selectors).</param>
    /// <param name="checkKey">Whether the key must be a valid label key.</param>
    public static LabelRequirement ReadRequirement(ManifestNode node, bool allowNumeric, bool checkKey = true)
    {
        node.ExpectFields("key", "operator", "values");
        var keyNode = node.RequiredField("key");
        var key = keyNode.AsString();
        if (checkKey && ManifestNames.ValidateLabelKey(key) is { } keyError)
        {
            keyNode.Fail(keyError);
        }
        var operatorNode = node.RequiredField("operator");
        var allowed = allowNumeric ? "In, NotIn, Exists, DoesNotExist, Gt, Lt" : "In, NotIn, Exists, DoesNotExist";
        if (!Enum.TryParse<SelectorOperator>(operatorNode.AsString(), ignoreCase: false, out var op)
            || !Enum.IsDefined(op) || char.IsDigit(operatorNode.AsString()[0])
            || (!allowNumeric && op is SelectorOperator.Gt or SelectorOperator.Lt))
        {
            operatorNode.Fail($"'{operatorNode.AsString()}' is not an operator here; use one of {allowed}");
        }
        var valuesNode = node.Field("values");
        var values = valuesNode?.AsStringList() ?? [];
        var valuesPath = node.ChildPath("values");
        switch (op)
        {
            case SelectorOperator.In or SelectorOperator.NotIn when values.Count == 0:
                throw new ManifestException(valuesPath, $"must have at least one value with operator {op}");
            case SelectorOperator.Exists or SelectorOperator.DoesNotExist when values.Count > 0:
                throw new ManifestException(valuesPath, $"must be empty with operator {op}");
            case SelectorOperator.Gt or SelectorOperator.Lt:
                if (values.Count != 1)
                {
                    throw new ManifestException(valuesPath, $"must have exactly one value with operator {op}");
                }
                if (!LabelRequirement.TryInt(values[0], out _))
                {
                    throw new ManifestException(valuesPath, $"'{values[0]}' must be an integer with operator {op}");
                }
                break;
        }
        return new LabelRequirement(key, op, values);
    }
}
