namespace Berth.Server.Security;

/// <summary><c>--authorization</c>: what a request without a credential may do.</summary>
public enum AuthorizationMode
{
    /// <summary>A request without a credential acts as the built-in admin (loopback development); one that presents a credential is authorized as that identity.</summary>
    Open,

    /// <summary>Every request but the public ones needs a credential (401 without), and is authorized by the roles bound to it.</summary>
    Rbac,
}
