namespace Berth.Server.Hosting;

/// <summary>The server host's user-visible messages, in one place so tests can assert on them.</summary>
public static class ServerMessages
{
    /// <summary>A <c>--listen</c> value that is not <c>host:port</c>.</summary>
    public static string BadListen(string value) =>
        $"--listen '{value}' is not host:port with a port from 0 to 65535; e.g. --listen 127.0.0.1:7070";

    /// <summary>A <c>--listen</c> host that is not an IP address or localhost.</summary>
    public static string ListenNotAnAddress(string value) =>
        $"--listen '{value}': the host must be an IP address or localhost; e.g. --listen 127.0.0.1:7070";

    /// <summary>A non-loopback <c>--listen</c> address without TLS.</summary>
    public static string NonLoopbackWithoutTls(string value) =>
        $"--listen '{value}' is not a loopback address and the server has no TLS: give --tls-dir DIR (files from 'berth tls init --dir DIR'), or --insecure to serve plain HTTP to other machines anyway, or listen on 127.0.0.1, [::1] or localhost";

    /// <summary>An empty <c>--data</c>.</summary>
    public const string EmptyDataDirectory = "--data must name a directory, e.g. --data ./berth-data";

    /// <summary>A setting that must be positive.</summary>
    public static string NotPositive(string option, string value) => $"{option} must be positive, not {value}";

    /// <summary>The data directory cannot be created.</summary>
    public static string DataDirectoryFailed(string path, string problem) => $"--data '{path}' cannot be used: {problem}";

    /// <summary>A listen option (e.g. <c>--grpc-listen</c>) that is not <c>host:port</c>.</summary>
    public static string BadListenOf(string option, string value, string example) =>
        $"{option} '{value}' is not host:port with a port from 0 to 65535; e.g. {option} {example}";

    /// <summary>A listen option whose host is not an IP address or localhost.</summary>
    public static string ListenOfNotAnAddress(string option, string value, string example) =>
        $"{option} '{value}': the host must be an IP address or localhost; e.g. {option} {example}";

    /// <summary>A non-loopback listen option without TLS.</summary>
    public static string NonLoopbackOfWithoutTls(string option, string value) =>
        $"{option} '{value}' is not a loopback address and the server has no TLS: give --tls-dir DIR (files from 'berth tls init --dir DIR'), or --insecure to serve plain HTTP to other machines anyway, or listen on 127.0.0.1, [::1] or localhost";

    /// <summary><c>--listen</c> on the last port, with no <c>--grpc-listen</c> to put gRPC elsewhere.</summary>
    public static string NoPortAfterListen(string listen) =>
        $"--listen '{listen}' uses the last port, so the gRPC endpoint cannot take the next one; give --grpc-listen, e.g. --grpc-listen 127.0.0.1:7071";

    /// <summary><c>--grpc-listen</c> on the same port as <c>--listen</c>.</summary>
    public static string SameListenPorts(string grpcListen, string listen) =>
        $"--grpc-listen '{grpcListen}' uses the port of --listen '{listen}'; gRPC needs its own HTTP/2 port, e.g. --grpc-listen 127.0.0.1:7071";

    /// <summary>The REST address is taken by another process.</summary>
    public static string ListenInUse(string address) =>
        $"--listen {address} is already in use (another berth server?); stop the other server, or pick a free port with --listen 127.0.0.1:PORT (and point clients at it with --server or BERTH_ADDR)";

    /// <summary>The gRPC address is taken by another process.</summary>
    public static string GrpcListenInUse(string address) =>
        $"--grpc-listen {address} is already in use (another berth server?); stop the other server, or pick a free port with --grpc-listen 127.0.0.1:PORT (without it the server takes the port after --listen's)";

    /// <summary>A <c>--store</c> that is not an etcd address.</summary>
    public static string StoreNotEtcd(string value) =>
        $"--store '{value}' is not an etcd address; give etcd://host:port[,host:port...], e.g. --store etcd://127.0.0.1:2379, or leave --store out to use the embedded store in --data";

    /// <summary>A malformed etcd <c>--store</c>.</summary>
    public static string BadStore(string value, string problem) =>
        $"--store '{value}' cannot be used: {problem}";

    /// <summary>An etcd <c>--store</c> endpoint that is not loopback.</summary>
    public static string StoreNotLoopback(string value, string endpoint) =>
        $"--store '{value}': endpoint {endpoint} is not a loopback address; the server has no TLS, so it only talks to an etcd on 127.0.0.1, [::1] or localhost; give --insecure to use this etcd anyway";

    /// <summary>The etcd named by <c>--store</c> did not answer.</summary>
    public static string StoreUnreachable(string value, string problem) =>
        $"--store '{value}': etcd did not answer ({problem}); check that etcd runs there, or leave --store out to use the embedded store in --data";
}
