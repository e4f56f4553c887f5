using System.Security.Cryptography.X509Certificates;

namespace Berth.Server.Security;

/// <summary>
/// The names certificates carry (the shared identity contract): CN is the caller's name, O its groups. Nodes are
/// <c>system:node:{name}</c> in <c>system:nodes</c>, servers <c>system:server:{id}</c> in <c>system:servers</c>, the
/// operator's admin certificate <c>admin</c> in <c>system:masters</c>.
/// </summary>
public static class CertificateNames
{
    /// <summary>The common-name prefix of a node certificate.</summary>
    public const string NodePrefix = "system:node:";

    /// <summary>The common-name prefix of a server certificate (a server acting as a client of another).</summary>
    public const string ServerPrefix = "system:server:";

    /// <summary>The common name of the admin client certificate <c>berth tls init</c> writes.</summary>
    public const string AdminName = "admin";

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>A subject <c>O=group, CN=name</c>.</summary>
    public static X500DistinguishedName Subject(string commonName, string organization)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName(organization);
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    /// <summary>The certificate's common name (the caller's name), or "" when it has none.</summary>
    public static string CommonName(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Values(certificate.SubjectName, CommonNameOid).FirstOrDefault() ?? "";
    }

    /// <summary>The certificate's organisations (the caller's groups), in subject order.</summary>
    public static IReadOnlyList<string> Organizations(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return [.. Values(certificate.SubjectName, OrganizationOid)];
    }

    /// <summary>
    /// The node a certificate speaks for: the name after <see cref="NodePrefix"/> when its CN has that prefix and its
    /// organisations include <see cref="CallerIdentity.NodesGroup"/>; otherwise null (not a node certificate).
    /// </summary>
    public static string? NodeName(X509Certificate2 certificate)
    {
        var name = CommonName(certificate);
        if (!name.StartsWith(NodePrefix, StringComparison.Ordinal) || name.Length == NodePrefix.Length)
        {
            return null;
        }
        return Organizations(certificate).Contains(CallerIdentity.NodesGroup, StringComparer.Ordinal) ? name[NodePrefix.Length..] : null;
    }

    private static IEnumerable<string> Values(X500DistinguishedName name, string oid)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid && rdn.GetSingleElementValue() is { } value)
            {
                yield return value;
            }
        }
    }
}
