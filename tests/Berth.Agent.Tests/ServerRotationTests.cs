namespace Berth.Agent.Tests;

/// <summary><see cref="ServerRotation"/>: round-robin over the servers, waiting (capped, jittered) only after a whole round failed.</summary>
public sealed class ServerRotationTests
{
    private static readonly Uri A = new("http://127.0.0.1:7001/");
    private static readonly Uri B = new("http://127.0.0.1:7002/");
    private static readonly Uri C = new("http://127.0.0.1:7003/");

    [Fact]
    public void Failed_ThreeServers_MovesRoundRobinAndWaitsOnlyAfterAFullRound()
    {
        var rotation = new ServerRotation([A, B, C], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(7));

        Assert.Equal(A, rotation.Current);
        Assert.Equal(TimeSpan.Zero, rotation.Failed());
        Assert.Equal(B, rotation.Current);
        Assert.Equal(TimeSpan.Zero, rotation.Failed());
        Assert.Equal(C, rotation.Current);
        var wait = rotation.Failed();
        Assert.Equal(A, rotation.Current);
        Assert.InRange(wait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Failed_OneServerRoundAfterRound_DoublesUpToTheCap()
    {
        var rotation = new ServerRotation([A], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(7));

        var waits = Enumerable.Range(0, 6).Select(_ => rotation.Failed()).ToArray();

        Assert.All(waits, _ => Assert.Equal(A, rotation.Current));
        double[] caps = [1, 2, 4, 5, 5, 5];
        for (int i = 0; i < caps.Length; i++)
        {
            Assert.InRange(waits[i].TotalSeconds, caps[i] / 2, caps[i]);
        }
    }

    [Fact]
    public void Joined_AfterFailures_StartsTheCountAgain()
    {
        var rotation = new ServerRotation([A, B], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(7));
        rotation.Failed();
        rotation.Failed();
        rotation.Failed();
        Assert.Equal(B, rotation.Current);

        rotation.Joined();

        Assert.Equal(0, rotation.Failures);
        Assert.Equal(TimeSpan.Zero, rotation.Failed());
        Assert.Equal(A, rotation.Current);
        Assert.InRange(rotation.Failed().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void Retry_StaysOnTheCurrentServer()
    {
        var rotation = new ServerRotation([A, B], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(7));

        var wait = rotation.Retry();

        Assert.Equal(A, rotation.Current);
        Assert.InRange(wait.TotalSeconds, 0.5, 1);
    }

    [Theory]
    [InlineData("unavailable", Grpc.Core.StatusCode.Unavailable, true)]
    [InlineData("deadline", Grpc.Core.StatusCode.DeadlineExceeded, true)]
    [InlineData("server error", Grpc.Core.StatusCode.Unknown, true)]
    [InlineData("unknown node", Grpc.Core.StatusCode.NotFound, false)]
    [InlineData("conflict", Grpc.Core.StatusCode.Aborted, false)]
    [InlineData("bad request", Grpc.Core.StatusCode.InvalidArgument, false)]
    public void IsServerFailure_ByStatus_BlamesTheServerOnlyForTransportAndServerErrors(string name, Grpc.Core.StatusCode code, bool expected)
    {
        _ = name;
        Assert.Equal(expected, AgentLoop.IsServerFailure(new Grpc.Core.RpcException(new Grpc.Core.Status(code, "x"))));
    }

    [Fact]
    public void IsServerFailure_ConnectionRefused_BlamesTheServer() =>
        Assert.True(AgentLoop.IsServerFailure(new HttpRequestException("Connection refused")));
}
