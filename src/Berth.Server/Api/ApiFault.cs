namespace Berth.Server.Api;

/// <summary>Why <see cref="ApiOperations"/> refused a request; each transport maps it to its own status (<see cref="ApiFaultCodes"/>).</summary>
public enum ApiFault
{
    /// <summary>A field is malformed or out of range; the message names it. Nothing was written.</summary>
    Invalid,

    /// <summary>No such workload or node.</summary>
    NotFound,

    /// <summary>Concurrent writes kept winning; nothing was written. Calling again may succeed.</summary>
    Conflict,

    /// <summary>The request is larger than the server's limit.</summary>
    TooLarge,

    /// <summary>The caller may not do this (RBAC); the message says what is missing and how to get it. Nothing was written.</summary>
    Forbidden,
}
