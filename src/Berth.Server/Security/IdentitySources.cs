namespace Berth.Server.Security;

/// <summary>How a caller proved who it is (<see cref="CallerIdentity.Source"/>).</summary>
public static class IdentitySources
{
    /// <summary>A bearer token (<c>Authorization: Bearer berth_…</c>).</summary>
    public const string Token = "token";

    /// <summary>A client certificate signed by the cluster's CA.</summary>
    public const string Certificate = "certificate";

    /// <summary>No credential.</summary>
    public const string Anonymous = "anonymous";
}
