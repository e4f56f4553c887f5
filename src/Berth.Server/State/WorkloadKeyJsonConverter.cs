using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Server.State;

/// <summary>Writes a <see cref="WorkloadKey"/> as <c>"namespace/name"</c>.</summary>
public sealed class WorkloadKeyJsonConverter : JsonConverter<WorkloadKey>
{
    /// <inheritdoc/>
    public override WorkloadKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException(StateMessages.WorkloadKeyNotString(reader.TokenType.ToString()));
        try
        {
            return WorkloadKey.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, WorkloadKey value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
