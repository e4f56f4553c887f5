using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Berth.Server.Api;

namespace Berth.Cli.Commands.Client;

/// <summary>
/// The REST API of a Berth server seen from the CLI. Answers are returned as JSON text (so <c>-o json|yaml</c> show what
/// the server sent) and read into the server's own response records with <see cref="ApiJson"/> for tables.
/// </summary>
/// <remarks>
/// Failures become <see cref="ClientException"/>: unreachable, timeout or 5xx exit 1; 4xx exit 2 with the server's
/// <c>error</c> text.
/// </remarks>
public sealed class BerthClient : IDisposable
{
    /// <summary>How long one request (not the event stream) may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    /// <summary>Creates an anonymous client of the server at <paramref name="address"/> (ending with '/').</summary>
    public BerthClient(Uri address)
        : this(address, ClientCredentials.None)
    {
    }

    /// <summary>Creates a client of the server at <paramref name="address"/> (ending with '/') that authenticates with <paramref name="credentials"/>.</summary>
    /// <exception cref="ClientException">A certificate or key file of <paramref name="credentials"/> cannot be read (exit 2).</exception>
    public BerthClient(Uri address, ClientCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(credentials);
        Address = address;
        // No client-wide timeout: the event stream is open-ended; each ordinary request has its own (RequestTimeout).
        Credentials = credentials;
        _http = new HttpClient(credentials.CreateHandler()) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        if (credentials.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Token);
        }
    }

    /// <summary>The credentials the client authenticates with.</summary>
    public ClientCredentials Credentials { get; private init; } = ClientCredentials.None;

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    /// <summary>GET <paramref name="path"/> (relative, e.g. <c>v1/nodes</c>); the JSON answer.</summary>
    public Task<string> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>DELETE <paramref name="path"/>; the JSON answer.</summary>
    public Task<string> DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>POST manifest text to <c>v1/apply</c>; the JSON answer.</summary>
    public Task<string> ApplyAsync(string manifests, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/apply", manifests, cancellationToken);

    /// <summary>POST <paramref name="json"/> (or no body when null) to <paramref name="path"/>; the JSON answer.</summary>
    public Task<string> PostAsync(string path, string? json = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, json, cancellationToken, "application/json");

    /// <summary>POST manifest text to <c>v1/plan</c> (a dry run of apply); the JSON answer.</summary>
    public Task<string> PlanAsync(string manifests, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/plan", manifests, cancellationToken);

    /// <summary>Reads an answer into a server response record.</summary>
    public static T Read<T>(string json) => JsonSerializer.Deserialize(json, ApiJson.Info<T>())
        ?? throw new ClientException(ClientMessages.StreamFailed("the server answered null"));

    /// <summary>
    /// Follows <c>GET v1/events?follow=true&amp;after=</c><paramref name="after"/>: yields each event's JSON as it arrives,
    /// until <paramref name="cancellationToken"/> or the server ends the stream.
    /// </summary>
    public IAsyncEnumerable<string> FollowEventsAsync(long after, CancellationToken cancellationToken = default) =>
        FollowAsync("v1/events?follow=true&after=" + after.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>
    /// Follows a server-sent-events answer of <paramref name="path"/> (relative, with <c>follow=true</c>): yields each
    /// message's data as it arrives, until <paramref name="cancellationToken"/> or the server ends the stream.
    /// </summary>
    public async IAsyncEnumerable<string> FollowAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStream.ContentType));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ClientException(ClientMessages.Unreachable(Address), ClientMessages.ServerFailure, e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw Failure((int)response.StatusCode, response.ReasonPhrase, body);
            }
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? eventName = null;
            var data = new StringBuilder();
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The server went away mid-stream (stopped): the stream ends like a clean close.
                    line = null;
                }
                if (line is null)
                {
                    yield break;
                }
                if (line.Length == 0)
                {
                    // A blank line ends one message.
                    if (data.Length > 0)
                    {
                        var text = data.ToString();
                        data.Clear();
                        if (eventName == EventStream.ErrorEvent)
                        {
                            throw Failure(500, null, text);
                        }
                        yield return text;
                    }
                    eventName = null;
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }
                    data.Append(line.AsSpan(5).TrimStart(' '));
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventName = line[6..].Trim();
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken, string mediaType = "application/yaml")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure((int)response.StatusCode, response.ReasonPhrase, text);
            }
            return text;
        }
        catch (HttpRequestException e)
        {
            throw new ClientException(ClientMessages.Unreachable(Address), ClientMessages.ServerFailure, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClientException(ClientMessages.TimedOut(Address, RequestTimeout), ClientMessages.ServerFailure, e);
        }
    }

    private static ClientException Failure(int status, string? reason, string body)
    {
        string message = ClientMessages.ServerStatus(status, reason ?? "");
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String)
            {
                message = error.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not the API's error body (a proxy, or an old server): the status line says enough.
        }
        return new ClientException(message, status is >= 400 and < 500 ? Program.UsageError : ClientMessages.ServerFailure);
    }
}
