using System.Text.Json;
using Berth.Cli.Tests.Fixtures;
using Berth.Server.Hosting;

namespace Berth.Cli.Tests;

/// <summary><c>berth apply</c> of a Reservation and <c>berth get reservations</c> against a running server; reservations in <c>berth simulate</c>.</summary>
public sealed class ReservationCommandTests : RunningServerCliTests
{
    protected override ServerOptions Options(ServerOptions defaults) => defaults with { ServerId = "solo" };

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void GetReservations_AfterApply_ShowsReservedUsedAndHeld()
    {
        var manifest = Write("burst.yaml", """
            apiVersion: berth.dev/v1
            kind: Reservation
            metadata: {name: burst, namespace: team-b}
            spec: {resources: {cpu: "2", memory: 1Gi}, expiry: "2099-01-01T00:00:00Z", priority: 3}
            """);
        var (applyCode, applied, applyError) = Cli("apply", "-f", manifest);
        Assert.True(applyCode == 0, applyError);
        Assert.Contains("reservation team-b/burst created", applied, StringComparison.Ordinal);

        var (code, table, error) = Cli("get", "reservations");
        var (_, json, _) = Cli("get", "reservations", "-o", "json");

        Assert.True(code == 0, error);
        Assert.Matches(@"NAMESPACE\s+NAME\s+NODES\s+STATE\s+PRIORITY\s+RESERVED\s+USED\s+HELD\s+EXPIRY", table);
        // No node has registered, so nothing is free to hold.
        Assert.Matches(@"team-b\s+burst\s+\(cluster-wide\)\s+Active\s+3\s+cpu=2,memory=1Gi\s+cpu=0,memory=0\s+cpu=0,memory=0\s+2099-01-01T00:00:00Z", table);
        var first = JsonDocument.Parse(json).RootElement[0];
        Assert.Equal("2", first.GetProperty("resources")[0].GetProperty("reserved").GetString());
    }

    [Fact]
    public void Simulate_ScenarioWithReservations_ReportsThemInJsonAndTable()
    {
        var scenario = Write("scenario.yaml", """
            nodes: [{name: node-1, allocatable: {cpu: "4", memory: 8Gi}}]
            reservations: [{name: train, namespace: team-a, resources: {cpu: "3"}, nodes: [node-1]}]
            workloads: [{name: trainer, namespace: team-a, reservation: train, requests: {cpu: "2"}}]
            """);

        var (code, json, error) = Run("simulate", "-f", scenario, "-o", "json");
        var (_, table, _) = Run("simulate", "-f", scenario);

        Assert.True(code == 0, error);
        var reservation = JsonDocument.Parse(json).RootElement.GetProperty("reservations")[0];
        Assert.Equal(("train", "Active"), (reservation.GetProperty("name").GetString(), reservation.GetProperty("state").GetString()));
        var cpu = reservation.GetProperty("resources").GetProperty("cpu");
        Assert.Equal(("3", "2", "1"), (cpu.GetProperty("reserved").GetString(), cpu.GetProperty("used").GetString(), cpu.GetProperty("held").GetString()));
        Assert.Matches(@"team-a/train\s+│\s+node-1\s+│\s+Active", table);
    }

    [Fact]
    public void Simulate_ScenarioWithoutReservations_KeepsTheContractsShape()
    {
        var scenario = Write("plain.yaml", "nodes: [{name: node-1, allocatable: {cpu: \"4\"}}]\nworkloads: [{name: web}]\n");

        var (_, json, _) = Run("simulate", "-f", scenario, "-o", "json");

        Assert.False(JsonDocument.Parse(json).RootElement.TryGetProperty("reservations", out _));
    }
}
