using Berth.Agent;
using Berth.Cli.Commands.Agent;

namespace Berth.Cli.Tests;

/// <summary><c>berth agent --simulate</c>: the command line only (hollow nodes run in Berth.Agent.Tests).</summary>
public sealed class AgentSimulateCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Agent_SimulateWithoutCapacity_ExitsWithUsageErrorNamingCapacity()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "sim", "--simulate", "100");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {AgentMessages.SimulateNeedsCapacity(100)}", error.Trim());
    }

    [Fact]
    public void Agent_ZonesWithoutSimulate_ExitsWithUsageError()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "n1", "--simulate-zones", "3");

        Assert.Equal(Program.UsageError, code);
        Assert.Equal($"error: {AgentMessages.ZonesWithoutSimulate}", error.Trim());
    }

    [Fact]
    public void Agent_SimulateAgainstNoServer_ExitsWithUsageErrorNamingTheServer()
    {
        var (code, _, error) = Run("agent", "--server", "http://127.0.0.1:1", "--name", "sim", "--simulate", "3", "--simulate-zones", "3", "--capacity", "cpu=4,memory=8Gi");

        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: cannot reach the berth server at http://127.0.0.1:1/", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateSimulation_ValidOptions_Passes()
    {
        var options = AgentCommand.Options("http://127.0.0.1:7070", "sim", "tier=hollow", "cpu=4,memory=8Gi");

        AgentCommand.ValidateSimulation(options, 5000, 3);
        AgentCommand.ValidateSimulation(options, null, null);
        Assert.Throws<ArgumentException>(() => AgentCommand.ValidateSimulation(options, 0, null));
    }
}
