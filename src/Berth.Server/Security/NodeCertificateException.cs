namespace Berth.Server.Security;

/// <summary>A join or renewal was refused; <see cref="Status"/> is the HTTP status to answer with, the message says why and how to fix it.</summary>
public sealed class NodeCertificateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NodeCertificateException()
    {
    }

    /// <summary>Creates the exception with its message (status 400).</summary>
    public NodeCertificateException(string message) : this(400, message)
    {
    }

    /// <summary>Creates the exception with its message and cause (status 400).</summary>
    public NodeCertificateException(string message, Exception innerException) : base(message, innerException) => Status = 400;

    /// <summary>Creates the exception with the HTTP status and the message.</summary>
    public NodeCertificateException(int status, string message) : base(message) => Status = status;

    /// <summary>The HTTP status: 400 bad request, 401 no or bad credential, 403 another node's certificate, 409 no TLS.</summary>
    public int Status { get; } = 400;
}
