using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Berth.Server.Hosting;

/// <summary>Turns Kestrel's failure to bind a taken address into the option that names it, so a person reads one line, not a stack trace.</summary>
internal static class ListenConflict
{
    /// <summary>The category the generic host logs its start failures under.</summary>
    public const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// The <see cref="ServerOptionsException"/> for <paramref name="failure"/> when it is a bind to an address in use,
    /// else null. Kestrel names the address it failed on in its message (<c>Failed to bind to address http://127.0.0.1:7071</c>);
    /// the two ports always differ (<see cref="ServerOptions.Validate"/>), so the port tells which option it was.
    /// </summary>
    public static ServerOptionsException? From(Exception failure, IPEndPoint rest, IPEndPoint grpc)
    {
        if (failure is not IOException { InnerException: AddressInUseException })
        {
            return null;
        }
        bool isGrpc = grpc.Port != 0 && failure.Message.Contains(":" + grpc.Port.ToString(CultureInfo.InvariantCulture) + ":", StringComparison.Ordinal);
        return new ServerOptionsException(isGrpc ? ServerMessages.GrpcListenInUse(grpc.ToString()) : ServerMessages.ListenInUse(rest.ToString()));
    }
}
