using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Core.Resources;

namespace Berth.Server.State;

/// <summary>Writes a <see cref="ResourceList"/> as an object of Kubernetes quantity strings, <c>{"cpu": "500m"}</c>.</summary>
public sealed class ResourceListJsonConverter : JsonConverter<ResourceList>
{
    /// <inheritdoc/>
    public override ResourceList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException(StateMessages.ResourceListNotObject(reader.TokenType.ToString()));
        }
        var items = new List<KeyValuePair<string, Quantity>>();
        var quantities = new QuantityJsonConverter();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            items.Add(KeyValuePair.Create(name, quantities.Read(ref reader, typeof(Quantity), options)));
        }
        return ResourceList.From(items);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ResourceList value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var (name, quantity) in value)
        {
            writer.WriteString(name, QuantityJsonConverter.Format(quantity));
        }
        writer.WriteEndObject();
    }
}
