using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Berth.Server.Hosting;

namespace Berth.Server.Security;

/// <summary>
/// The TLS material of a running server, loaded from <c>--tls-dir</c> (<see cref="TlsFiles"/>): the CA (which validates
/// client certificates and signs node certificates) and the server's own certificate (served on both ports, and
/// presented as a client to a parent region).
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    private TlsMaterial(CertificateAuthority authority, X509Certificate2 serverCertificate)
    {
        Authority = authority;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The CA, with its key.</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>The server certificate, with its key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Loads the files of <paramref name="directory"/>.</summary>
    /// <exception cref="ServerOptionsException">A file is missing or unreadable, or the server certificate is not the CA's; the message names <c>--tls-dir</c> and the file.</exception>
    public static TlsMaterial Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string Path(string file)
        {
            var path = System.IO.Path.Combine(directory, file);
            return File.Exists(path) ? path : throw new ServerOptionsException(TlsMessages.TlsFileMissing(directory, file));
        }
        var caCertificate = Path(TlsFiles.CaCertificate);
        var caKey = Path(TlsFiles.CaKey);
        var serverCertificate = Path(TlsFiles.ServerCertificate);
        var serverKey = Path(TlsFiles.ServerKey);
        CertificateAuthority authority;
        try
        {
            authority = CertificateAuthority.Load(caCertificate, caKey);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ServerOptionsException(TlsMessages.TlsFileUnreadable(directory, $"{TlsFiles.CaCertificate}/{TlsFiles.CaKey}", e.Message));
        }
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(serverCertificate, serverKey);
            var server = CertificateAuthority.Persist(loaded);
            if (!CertificateTrust.IsIssuedBy(server, authority.Certificate))
            {
                server.Dispose();
                throw new ServerOptionsException(TlsMessages.ServerCertificateNotFromCa(directory));
            }
            return new TlsMaterial(authority, server);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            authority.Dispose();
            throw new ServerOptionsException(TlsMessages.TlsFileUnreadable(directory, $"{TlsFiles.ServerCertificate}/{TlsFiles.ServerKey}", e.Message));
        }
        catch
        {
            authority.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A handler for this server's own HTTPS calls (a region reporting to its parent): trusts the CA only and presents
    /// the server certificate.
    /// </summary>
    public SocketsHttpHandler ClientHandler()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.ServerValidator(Authority.Certificate);
        handler.SslOptions.ClientCertificates = [ServerCertificate];
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => ServerCertificate;
        return handler;
    }

    /// <summary>
    /// A handler for the server's outgoing HTTP calls: with <see cref="ServerOptions.TlsDirectory"/>, one that trusts the
    /// CA and presents the server certificate (<see cref="ClientHandler"/>); without, a plain one.
    /// </summary>
    public static HttpMessageHandler ClientHandlerFor(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsDirectory is null)
        {
            return new SocketsHttpHandler();
        }
        // The material lives as long as the handler: the handler is the only holder and certificates are small.
        var material = Load(options.TlsDirectory);
        return material.ClientHandler();
    }

    /// <summary>Releases the keys.</summary>
    public void Dispose()
    {
        ServerCertificate.Dispose();
        Authority.Dispose();
    }
}
