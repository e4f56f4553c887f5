using Berth.Server.Hosting;
using Berth.Server.State;
using Berth.Store;
using Grpc.Core;

namespace Berth.Server.Security;

/// <summary>
/// Governs the gRPC agent protocol (which RBAC does not): a caller with a node certificate may act only as that node,
/// and report on or push output of only the replicas assigned to it. With TLS a caller without a certificate is
/// refused; without TLS (no certificates at all) every agent is let through, as before TLS existed.
/// </summary>
public sealed class NodeAuthorizer(ServerOptions options, IKeyValueStore store)
{
    /// <summary>
    /// Checks that the caller may act as <paramref name="node"/>; returns the node its certificate names, or null when
    /// the caller has none (allowed only without TLS).
    /// </summary>
    /// <exception cref="RpcException">UNAUTHENTICATED: TLS is on and no certificate came; PERMISSION_DENIED: the certificate is not a node's, or another node's.</exception>
    public string? Authorize(ServerCallContext context, string node)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (certificate is null)
        {
            return options.TlsConfigured
                ? throw new RpcException(new Status(StatusCode.Unauthenticated, TlsMessages.AgentWithoutCertificate(node)))
                : null;
        }
        var certified = CertificateNames.NodeName(certificate)
            ?? throw new RpcException(new Status(StatusCode.PermissionDenied, TlsMessages.NotANodeCertificate(CertificateNames.CommonName(certificate), node)));
        if (!string.Equals(certified, node, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, TlsMessages.WrongNode(certified, node)));
        }
        return certified;
    }

    /// <summary>
    /// Checks that a replica is not assigned to a node other than <paramref name="certifiedNode"/> (the node of the
    /// caller's certificate; null: no certificate, nothing to check). A replica with no assignment is let through: the
    /// operations answer it as unknown.
    /// </summary>
    /// <exception cref="RpcException">PERMISSION_DENIED: the replica is assigned to another node.</exception>
    public async Task AuthorizeReplicaAsync(string? certifiedNode, WorkloadKey workload, int replica, CancellationToken cancellationToken)
    {
        if (certifiedNode is null)
        {
            return;
        }
        var kv = await store.GetAsync(KeyLayout.Assignment(workload, replica), cancellationToken).ConfigureAwait(false);
        if (kv is null)
        {
            return;
        }
        var assignment = StateSerializer.Deserialize<Assignment>(kv.Value.Span);
        if (!string.Equals(assignment.Node, certifiedNode, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, TlsMessages.ReplicaOfOtherNode(certifiedNode, AssignmentApplier.ReplicaSubject(workload, replica), assignment.Node)));
        }
    }
}
