using Berth.Core.Manifests;
using Berth.Server.Fleet;

namespace Berth.Server.Tests.Fleet;

public class FleetWorkloadsTests
{
    [Fact]
    public void DerivedName_ShortNames_JoinsWorkloadAndCluster()
    {
        Assert.Equal("api-gateway-us-east-7a3b", FleetWorkloads.DerivedName("api-gateway", "us-east-7a3b"));
    }

    [Fact]
    public void DerivedName_TooLongForAName_CutsTheWorkloadAndKeepsItDistinct()
    {
        var workload = new string('a', 40) + "-payments";
        var other = new string('a', 40) + "-invoices";
        var cluster = new string('e', 45) + "-1a2b";

        var name = FleetWorkloads.DerivedName(workload, cluster);

        Assert.Null(ManifestNames.ValidateDnsLabel(name));
        Assert.EndsWith("-" + cluster, name, StringComparison.Ordinal);
        Assert.NotEqual(name, FleetWorkloads.DerivedName(other, cluster));
        Assert.Equal(name, FleetWorkloads.DerivedName(workload, cluster));
    }

    [Fact]
    public void DerivedName_LongestClusterName_StillAValidName()
    {
        var name = FleetWorkloads.DerivedName(new string('w', 63), new string('p', PoolManifestReader.MaxNameLength) + "-ffff");

        Assert.Null(ManifestNames.ValidateDnsLabel(name));
    }
}
