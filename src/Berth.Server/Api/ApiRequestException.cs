namespace Berth.Server.Api;

/// <summary>A public API request that <see cref="ApiOperations"/> refused; nothing was written.</summary>
/// <param name="fault">Why, for the transport's status code.</param>
/// <param name="message">What failed and how to fix it (one of <see cref="ApiMessages"/>, or a manifest error naming the field path).</param>
public sealed class ApiRequestException(ApiFault fault, string message) : Exception(message)
{
    /// <summary>Why the request was refused.</summary>
    public ApiFault Fault { get; } = fault;
}
