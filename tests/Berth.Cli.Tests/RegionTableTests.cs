using Berth.Cli.Commands.Get;

namespace Berth.Cli.Tests;

/// <summary><c>berth get regions</c>: the regions a parent lists, as columns.</summary>
public class RegionTableTests
{
    private const string Json = """
        [{"region": "eu-west", "address": "http://127.0.0.1:7170/", "status": "Connected", "pools": ["eu-west-1", "eu-west-2"],
          "nodeClasses": ["medium"], "registeredAt": "2026-11-24T04:00:00Z", "lastSeen": "2026-11-24T04:05:00Z"},
         {"region": "ap-south", "address": "http://127.0.0.1:7270/", "status": "Disconnected", "pools": [],
          "nodeClasses": [], "registeredAt": "2026-11-24T04:00:00Z", "lastSeen": "2026-11-24T04:01:00Z"}]
        """;

    [Fact]
    public void Write_TwoRegions_ListsThemByNameWithStatusAndPools()
    {
        var output = new StringWriter();

        RegionTable.Write(Json, wide: false, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^REGION\s+STATUS\s+ADDRESS\s+POOLS\s+LAST SEEN\s*$", lines[0]);
        Assert.Matches(@"^ap-south\s+Disconnected\s+http://127\.0\.0\.1:7270/\s+<none>\s+2026-11-24T04:01:00Z\s*$", lines[1]);
        Assert.Matches(@"^eu-west\s+Connected\s+http://127\.0\.0\.1:7170/\s+eu-west-1,eu-west-2\s+2026-11-24T04:05:00Z\s*$", lines[2]);
    }

    [Fact]
    public void Write_Wide_AddsNodeClasses()
    {
        var output = new StringWriter();

        RegionTable.Write(Json, wide: true, output);

        Assert.Matches(@"eu-west\s+Connected\s+\S+\s+eu-west-1,eu-west-2\s+\S+\s+medium", output.ToString());
    }
}
