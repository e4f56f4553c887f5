using System.Text;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Berth.Server.Api;

/// <summary>Reads a request body as text under the server's size limit, with the same answers as <c>POST /v1/apply</c>.</summary>
internal static class ManifestBody
{
    /// <summary>The body's text, or the error to answer (413 too large, 400 not UTF-8); <paramref name="allowEmpty"/> false answers 400 to an empty body.</summary>
    public static async Task<(string? Text, IResult? Error)> ReadAsync(HttpRequest request, ServerOptions options, bool allowEmpty, CancellationToken cancellationToken)
    {
        // Checked before reading so an honest Content-Length is refused without receiving the body; Kestrel's limit
        // (the same number) catches chunked bodies while they are read.
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (null, ApiJson.Error(StatusCodes.Status413PayloadTooLarge, ApiMessages.BodyTooLarge(options.MaxRequestBodyBytes)));
        }
        string text;
        try
        {
            using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiJson.Error(StatusCodes.Status413PayloadTooLarge, ApiMessages.BodyTooLarge(options.MaxRequestBodyBytes)));
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiJson.Error(StatusCodes.Status400BadRequest, ApiMessages.BodyNotText));
        }
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            return (null, ApiJson.Error(StatusCodes.Status400BadRequest, ApiMessages.EmptyBody));
        }
        return (text, null);
    }
}
