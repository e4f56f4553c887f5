using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Berth.Core.Manifests;

/// <summary>
/// One node of a parsed YAML or JSON document together with its field path, so that every reader can report
/// errors as <c>path: problem</c>. Mappings are checked against the fields a reader knows: unknown fields are errors.
/// </summary>
public sealed class ManifestNode
{
    private readonly YamlNode? _yaml;

    private ManifestNode(YamlNode? yaml, string path)
    {
        _yaml = yaml;
        Path = path;
    }

    /// <summary>The field path, e.g. <c>workloads[2].affinity</c>; empty for the document root.</summary>
    public string Path { get; }

    /// <summary>True for an explicit null (<c>null</c>, <c>~</c> or an empty value) or an empty document.</summary>
    public bool IsNull => _yaml is null || (_yaml is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    /// <summary>True for a mapping (<c>{…}</c>).</summary>
    public bool IsMapping => _yaml is YamlMappingNode;

    /// <summary>True for a sequence (<c>[…]</c>).</summary>
    public bool IsSequence => _yaml is YamlSequenceNode;

    /// <summary>True for a non-null scalar.</summary>
    public bool IsScalar => _yaml is YamlScalarNode && !IsNull;

    /// <summary>Parses one document, YAML or JSON (a text starting with <c>{</c> or <c>[</c> is read as JSON).</summary>
    /// <exception cref="ManifestException">The text is not well-formed or holds several documents.</exception>
    public static ManifestNode Parse(string text)
    {
        var documents = ParseAll(text);
        if (documents.Count > 1)
        {
            throw new ManifestException("", $"expected one document, found {documents.Count}");
        }
        return documents.Count == 0 ? new ManifestNode(null, "") : documents[0];
    }

    /// <summary>Parses every document of a YAML stream (separated by <c>---</c>) or one JSON document.</summary>
    /// <exception cref="ManifestException">The text is not well-formed.</exception>
    public static IReadOnlyList<ManifestNode> ParseAll(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            return [new ManifestNode(FromJson(text), "")];
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages start with "(Line: 3, Col: 5, …)"; keep its text, which says what it expected.
            throw new ManifestException($"line {e.Start.Line}, column {e.Start.Column}", $"not valid YAML: {Inner(e).Message}");
        }
        catch (ArgumentException e)
        {
            // The representation model throws ArgumentException for a key given twice in one mapping.
            throw new ManifestException("", $"not valid YAML: {e.Message}");
        }
        return [.. stream.Documents.Select(d => new ManifestNode(d.RootNode, ""))];
    }

    private static Exception Inner(Exception e) => e.InnerException is { } inner && inner.Message.Length > 0 ? inner : e;

    private static YamlNode FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return Convert(document.RootElement, "");
        }
        catch (JsonException e)
        {
            throw new ManifestException($"line {e.LineNumber + 1}", $"not valid JSON: {e.Message}");
        }

        static YamlNode Convert(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var mapping = new YamlMappingNode();
                    foreach (var property in element.EnumerateObject())
                    {
                        var key = new YamlScalarNode(property.Name) { Style = ScalarStyle.DoubleQuoted };
                        var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                        if (mapping.Children.ContainsKey(key))
                        {
                            throw new ManifestException(childPath, "field is given twice");
                        }
                        mapping.Add(key, Convert(property.Value, childPath));
                    }
                    return mapping;
                case JsonValueKind.Array:
                    var sequence = new YamlSequenceNode();
                    foreach (var item in element.EnumerateArray())
                    {
                        sequence.Add(Convert(item, $"{path}[{sequence.Children.Count}]"));
                    }
                    return sequence;
                case JsonValueKind.String:
                    return new YamlScalarNode(element.GetString()) { Style = ScalarStyle.DoubleQuoted };
                case JsonValueKind.Null:
                    return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
                default:
                    return new YamlScalarNode(element.GetRawText()) { Style = ScalarStyle.Plain };
            }
        }
    }

    /// <summary>
    /// The same node under another path, so that the errors of one document among several name it, e.g. <c>[1]</c> for the
    /// second document of a file gives <c>[1].spec.replicas</c>.
    /// </summary>
    public ManifestNode WithPath(string path) => new(_yaml, path);

    /// <summary>An error at this node's path.</summary>
    public ManifestException Error(string problem) => new(Path, problem);

    /// <summary>Throws an error at this node's path.</summary>
    [DoesNotReturn]
    public void Fail(string problem) => throw Error(problem);

    /// <summary>
    /// Checks that this node is a mapping (or null, read as empty) whose keys are all among <paramref name="knownFields"/>;
    /// returns this node for chaining.
    /// </summary>
    /// <exception cref="ManifestException">Not a mapping, or a key is unknown (<c>path.key: unknown field</c>).</exception>
    public ManifestNode ExpectFields(params string[] knownFields)
    {
        foreach (var (key, value) in Entries())
        {
            if (Array.IndexOf(knownFields, key) < 0)
            {
                throw new ManifestException(value.Path, "unknown field");
            }
        }
        return this;
    }

    /// <summary>The entries of a mapping in document order (none for null).</summary>
    /// <exception cref="ManifestException">The node is not a mapping, or a key is not a plain string.</exception>
    public IReadOnlyList<KeyValuePair<string, ManifestNode>> Entries()
    {
        if (IsNull)
        {
            return [];
        }
        if (_yaml is not YamlMappingNode mapping)
        {
            throw Error($"expected a mapping ({{key: value, …}}), found {Describe()}");
        }
        var entries = new List<KeyValuePair<string, ManifestNode>>(mapping.Children.Count);
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                throw Error("mapping keys must be plain strings");
            }
            entries.Add(KeyValuePair.Create(name, new ManifestNode(value, ChildPath(name))));
        }
        return entries;
    }

    /// <summary>The value of a mapping field, or null when the field is absent or null.</summary>
    public ManifestNode? Field(string name)
    {
        if (IsNull)
        {
            return null;
        }
        if (_yaml is not YamlMappingNode mapping)
        {
            throw Error($"expected a mapping ({{key: value, …}}), found {Describe()}");
        }
        if (!mapping.Children.TryGetValue(new YamlScalarNode(name), out var value))
        {
            return null;
        }
        var node = new ManifestNode(value, ChildPath(name));
        return node.IsNull ? null : node;
    }

    /// <summary>The value of a mapping field that must be present and not null.</summary>
    public ManifestNode RequiredField(string name) =>
        Field(name) ?? throw new ManifestException(ChildPath(name), "required field is missing");

    /// <summary>True when the mapping has the field with a non-null value.</summary>
    public bool Has(string name) => Field(name) is not null;

    /// <summary>The items of a sequence (none for null).</summary>
    /// <exception cref="ManifestException">The node is not a sequence.</exception>
    public IReadOnlyList<ManifestNode> Items()
    {
        if (IsNull)
        {
            return [];
        }
        if (_yaml is not YamlSequenceNode sequence)
        {
            throw Error($"expected a list ([…]), found {Describe()}");
        }
        var items = new List<ManifestNode>(sequence.Children.Count);
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            items.Add(new ManifestNode(sequence.Children[i], $"{Path}[{i}]"));
        }
        return items;
    }

    /// <summary>The scalar's text (numbers and booleans as written).</summary>
    /// <exception cref="ManifestException">The node is a mapping, a list or null.</exception>
    public string AsString()
    {
        if (_yaml is YamlScalarNode { Value: { } value } && !IsNull)
        {
            return value;
        }
        throw Error($"expected a value, found {Describe()}");
    }

    /// <summary>The scalar as a 32-bit integer.</summary>
    public int AsInt()
    {
        var text = AsString();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{text}' is not an integer from {int.MinValue} to {int.MaxValue}");
        }
        return value;
    }

    /// <summary>The scalar as a 64-bit integer.</summary>
    public long AsLong()
    {
        var text = AsString();
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{text}' is not an integer");
        }
        return value;
    }

    /// <summary>The scalar as a finite decimal number (costs, fractions).</summary>
    public double AsDouble()
    {
        var text = AsString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error($"'{text}' is not a number");
        }
        return value;
    }

    /// <summary>The scalar as an exact decimal amount (money).</summary>
    public decimal AsDecimal()
    {
        var text = AsString();
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{text}' is not a number");
        }
        return value;
    }

    /// <summary>The scalar as a DNS-1123 label (workload, namespace and budget names).</summary>
    /// <exception cref="ManifestException">The value is not a valid label; the message says why.</exception>
    public string AsDnsLabel()
    {
        var name = AsString();
        if (ManifestNames.ValidateDnsLabel(name) is { } error)
        {
            Fail(error);
        }
        return name;
    }

    /// <summary>The scalar as a boolean (<c>true</c> or <c>false</c>).</summary>
    public bool AsBool()
    {
        var text = AsString();
        return text switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error($"'{text}' is not a boolean; use true or false"),
        };
    }

    /// <summary>The scalar as one of an enum's names, spelled exactly; the error lists the allowed names.</summary>
    public T AsEnum<T>() where T : struct, Enum
    {
        var text = AsString();
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return Enum.Parse<T>(name);
            }
        }
        throw Error($"'{text}' is not valid; use one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    /// <summary>The items of a list of strings.</summary>
    public IReadOnlyList<string> AsStringList() => [.. Items().Select(i => i.AsString())];

    /// <summary>A string field's value, or <paramref name="fallback"/> when absent.</summary>
    public string? String(string name, string? fallback = null) => Field(name)?.AsString() ?? fallback;

    /// <summary>An integer field's value, or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int fallback) => Field(name)?.AsInt() ?? fallback;

    /// <summary>A boolean field's value, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string name, bool fallback) => Field(name)?.AsBool() ?? fallback;

    /// <summary>The path of a field of this mapping.</summary>
    public string ChildPath(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    private string Describe() => _yaml switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull => "null",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "nothing",
    };
}
