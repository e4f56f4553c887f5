using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Server.State;
using Microsoft.AspNetCore.Http;

namespace Berth.Server.Api;

/// <summary>
/// JSON of the REST API: the stored records are written exactly as <see cref="StateSerializer"/> stores them (camelCase,
/// enums by name, quantities as strings, no derived properties), wrapped in the API's own response records.
/// </summary>
public static class ApiJson
{
    /// <summary>The options every answer is written with.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The metadata of <typeparamref name="T"/> under <see cref="Options"/>.</summary>
    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>An answer with <paramref name="value"/> as its JSON body.</summary>
    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, Info<T>(), statusCode: status);

    /// <summary>An error answer: <c>{"error": message}</c> with <paramref name="status"/>.</summary>
    public static IResult Error(int status, string message) => Json(new ApiError(message), status);

    private static JsonSerializerOptions CreateOptions()
    {
        // The state resolver comes first so that specs and records nested in responses use the stored format, with the
        // same derived-property pruning; the API context supplies only the response records.
        var options = new JsonSerializerOptions(StateSerializer.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(StateSerializer.Options.TypeInfoResolver, ApiJsonContext.Default),
        };
        options.MakeReadOnly();
        return options;
    }
}
