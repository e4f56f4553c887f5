using Berth.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Api;

/// <summary>
/// Answers a request that Kestrel refuses while a handler reads it (a body over <see cref="ServerOptions.MaxRequestBodyBytes"/>,
/// a malformed chunk) with the API's error shape, <c>{"error": "..."}</c>, and Kestrel's status (413, 400), on every
/// endpoint, including ones added later that read their body without catching it.
/// </summary>
/// <remarks>
/// Without this, the exception leaves the handler and the client gets the status with an empty body. Handlers that
/// answer the refusal themselves (<c>POST /v1/apply</c>) never let it reach here.
/// </remarks>
public static class BadRequestAnswers
{
    /// <summary>Adds the answering step; put it after the request metrics so they count the real status.</summary>
    public static IApplicationBuilder UseBadRequestAnswers(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limit = app.ApplicationServices.GetRequiredService<ServerOptions>().MaxRequestBodyBytes;
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                var message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? ApiMessages.RequestBodyTooLarge(limit)
                    : ApiMessages.BadRequest(e.Message);
                context.Response.Clear();
                await ApiJson.Error(e.StatusCode, message).ExecuteAsync(context);
            }
        });
    }
}
