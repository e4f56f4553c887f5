using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Berth.Server.Api;

/// <summary>The status each transport answers for an <see cref="ApiFault"/>, side by side so REST and gRPC refuse alike.</summary>
internal static class ApiFaultCodes
{
    /// <summary>The HTTP status: 400, 404, 409 or 413.</summary>
    public static int HttpStatus(ApiFault fault) => fault switch
    {
        ApiFault.NotFound => StatusCodes.Status404NotFound,
        ApiFault.Conflict => StatusCodes.Status409Conflict,
        ApiFault.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiFault.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The gRPC status: INVALID_ARGUMENT, NOT_FOUND, ABORTED or RESOURCE_EXHAUSTED.</summary>
    public static StatusCode GrpcStatus(ApiFault fault) => fault switch
    {
        ApiFault.NotFound => StatusCode.NotFound,
        ApiFault.Conflict => StatusCode.Aborted,
        ApiFault.TooLarge => StatusCode.ResourceExhausted,
        ApiFault.Forbidden => StatusCode.PermissionDenied,
        _ => StatusCode.InvalidArgument,
    };

    /// <summary>The REST answer to a refused request: <c>{"error": "..."}</c> with <see cref="HttpStatus"/>.</summary>
    public static IResult HttpAnswer(ApiRequestException refused) =>
        ApiJson.Error(HttpStatus(refused.Fault), refused.Message);
}
