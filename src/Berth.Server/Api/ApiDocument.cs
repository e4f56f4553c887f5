using Berth.Core.Resources;
using Berth.Server.State;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Berth.Server.Api;

/// <summary>
/// The OpenAPI document of the REST API, served at <see cref="Path"/>. Its schemas are generated from the same JSON
/// metadata the API writes with (<see cref="ApiJson.Options"/>: camelCase, enums by name, quantities as strings), so
/// the document describes the bytes on the wire.
/// </summary>
public static class ApiDocument
{
    /// <summary>The document's name, as in its path.</summary>
    public const string Name = "v1";

    /// <summary>Where the document is served.</summary>
    public const string Path = "/openapi/v1.json";

    /// <summary>The document's title.</summary>
    public const string Title = "Berth API";

    /// <summary>Schema type of an integer query parameter (<see cref="WithQueryParameter"/>).</summary>
    public const JsonSchemaType IntegerSchema = JsonSchemaType.Integer;

    /// <summary>Schema type of a boolean query parameter (<see cref="WithQueryParameter"/>).</summary>
    public const JsonSchemaType BooleanSchema = JsonSchemaType.Boolean;

    /// <summary>Schema type of a text query parameter (<see cref="WithQueryParameter"/>).</summary>
    public const JsonSchemaType StringSchema = JsonSchemaType.String;

    /// <summary>
    /// Describes an optional query parameter that the handler reads from the request itself (so the generator cannot see
    /// it): its name, type and meaning appear in the endpoint's operation.
    /// </summary>
    public static TBuilder WithQueryParameter<TBuilder>(this TBuilder builder, string name, JsonSchemaType type, string description)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = false,
                Description = description,
                Schema = new OpenApiSchema { Type = type },
            });
            return Task.CompletedTask;
        });
    }

    /// <summary>Registers the OpenAPI document generator and the JSON options it reads schemas from.</summary>
    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The generator takes schemas from the HTTP JSON options; answers are written with ApiJson.Options, so the
        // options are made to agree with them. The endpoints write with explicit metadata and read their bodies
        // themselves, so only an endpoint that binds a JSON parameter would also read with these options.
        services.ConfigureHttpJsonOptions(json => CopyApiJson(json));
        services.AddOpenApi(Name, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = Title;
                document.Info.Version = Name;
                document.Info.Description = "Workloads, nodes, assignments and events of a Berth control plane. Errors are {\"error\": \"...\"}.";
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                DescribeConvertedType(schema, context.JsonTypeInfo.Type);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    // Types written by a custom converter are opaque to the generator (it emits an empty schema); say what the
    // converters in StateJsonContext write.
    private static void DescribeConvertedType(OpenApiSchema schema, Type type)
    {
        if (type == typeof(Quantity))
        {
            schema.Type = JsonSchemaType.String;
        }
        else if (type == typeof(WorkloadKey))
        {
            schema.Type = JsonSchemaType.String;
        }
        else if (type == typeof(ResourceList))
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A Kubernetes quantity, e.g. 500m, 64Mi, 2." };
        }
    }

    private static void CopyApiJson(JsonOptions json)
    {
        var source = ApiJson.Options;
        var target = json.SerializerOptions;
        target.PropertyNamingPolicy = source.PropertyNamingPolicy;
        target.DictionaryKeyPolicy = source.DictionaryKeyPolicy;
        target.DefaultIgnoreCondition = source.DefaultIgnoreCondition;
        target.RespectNullableAnnotations = source.RespectNullableAnnotations;
        target.RespectRequiredConstructorParameters = source.RespectRequiredConstructorParameters;
        target.Converters.Clear();
        foreach (var converter in source.Converters)
        {
            target.Converters.Add(converter);
        }
        target.TypeInfoResolverChain.Clear();
        target.TypeInfoResolverChain.Add(source.TypeInfoResolver!);
        // A type outside the API's contexts (say, the body of an endpoint that binds JSON itself) still gets a schema
        // and can still be bound, by reflection, rather than failing the whole document.
        target.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
    }
}
