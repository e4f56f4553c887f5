using Berth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using V1 = Berth.Protocol.V1;

namespace Berth.Server.Api.Grpc;

/// <summary>
/// Lets the public gRPC API refuse an oversized request as gRPC does, RESOURCE_EXHAUSTED, rather than by Kestrel's body
/// limit: Kestrel fails the read as soon as the bytes received pass its limit, before gRPC has looked at the message's
/// length, and the client would see UNKNOWN "exception was thrown by handler". So these calls have no body limit of
/// their own; gRPC's message limit (MaxReceiveMessageSize, set to <see cref="ServerOptions.MaxRequestBodyBytes"/>)
/// refuses on the length prefix, before reading the message. Every rpc of the service takes one request message, and
/// HTTP/2 flow control bounds what is buffered meanwhile. Other requests, the agent protocol's included, keep Kestrel's
/// limit.
/// </summary>
internal static class GrpcRequestLimit
{
    private static readonly PathString ServicePath = new("/" + V1.Berth.Descriptor.FullName);

    /// <summary>Adds the middleware; before the endpoints, so the limit is set before the body is read.</summary>
    public static IApplicationBuilder UseGrpcRequestLimit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ServicePath)
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }
            return next(context);
        });
    }
}
