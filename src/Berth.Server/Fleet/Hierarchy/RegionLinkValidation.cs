using System.Net;
using Berth.Core.Manifests;
using Berth.Server.Hosting;

namespace Berth.Server.Fleet.Hierarchy;

/// <summary>Checks <c>--region</c>, <c>--parent</c> and <see cref="RegionLinkOptions"/> for <see cref="ServerOptions.Validate"/>.</summary>
public static class RegionLinkValidation
{
    /// <summary>Throws when the region settings cannot be used; the message names the option.</summary>
    /// <exception cref="ServerOptionsException">A region setting is malformed, or <c>--parent</c> comes without <c>--region</c>.</exception>
    public static void Check(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Region is not null && ManifestNames.ValidateDnsLabel(options.Region) is { } problem)
        {
            throw new ServerOptionsException(RegionMessages.BadRegion(options.Region, problem));
        }
        if (options.Parent is not null)
        {
            if (options.Region is null)
            {
                throw new ServerOptionsException(RegionMessages.ParentWithoutRegion);
            }
            if (!Uri.TryCreate(options.Parent, UriKind.Absolute, out var parent) || (parent.Scheme != Uri.UriSchemeHttp && parent.Scheme != Uri.UriSchemeHttps) || parent.Host.Length == 0)
            {
                throw new ServerOptionsException(RegionMessages.BadParent(options.Parent));
            }
            bool loopback = parent.IsLoopback || IPAddress.TryParse(parent.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
            if (!loopback && !options.TlsConfigured && !options.Insecure)
            {
                throw new ServerOptionsException(RegionMessages.ParentNotLoopback(options.Parent));
            }
        }
        try
        {
            options.RegionLink.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ServerOptionsException(e.Message);
        }
    }
}
