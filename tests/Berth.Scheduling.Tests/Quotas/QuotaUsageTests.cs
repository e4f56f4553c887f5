using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Quotas;

namespace Berth.Scheduling.Tests.Quotas;

public class QuotaUsageTests
{
    private static QuotaSpec Quota(string hard = "", string soft = "", bool allowBurst = false, int percent = 0, string name = "compute") =>
        new(name, "team-a", Limits(hard), Limits(soft), allowBurst, percent);

    /// <summary>"cpu=4,replicas=3" as a resource list.</summary>
    private static ResourceList Limits(string text) =>
        text.Length == 0 ? ResourceList.Empty : ResourceList.Parse([.. text.Split(',').Select(p => (p.Split('=')[0], p.Split('=')[1]))]);

    private static QuotaUsage Using(QuotaSpec quota, string used)
    {
        var usage = new QuotaUsage([quota]);
        if (used.Length > 0)
        {
            usage.Add("team-a", Limits(used));
        }
        return usage;
    }

    [Fact]
    public void Check_ExactlyAtHardLimit_IsAdmitted()
    {
        var usage = Using(Quota(hard: "cpu=4,memory=8Gi,replicas=4"), "cpu=3,memory=6Gi,replicas=3");
        var verdict = usage.Check("team-a", Limits("cpu=1,memory=2Gi,replicas=1"));
        Assert.Equal(QuotaVerdict.Guaranteed, verdict);
    }

    [Fact]
    public void Check_OneMoreThanHardLimit_IsRefusedNamingQuotaResourceUsedRequestedLimit()
    {
        var usage = Using(Quota(hard: "cpu=4,memory=8Gi"), "cpu=4,memory=2Gi");
        var refusal = usage.Check("team-a", Limits("cpu=1m,memory=1Gi")).Refusal;
        Assert.NotNull(refusal);
        Assert.Equal(new QuotaRefusal("team-a/compute", "cpu", 4m, 0.001m, 4m, QuotaLimitKind.Hard), refusal);
        Assert.Equal("quota team-a/compute refuses cpu: used 4 + requested 1m is over the hard limit 4; lower the request or raise the quota's hard.cpu",
            refusal.Message);
    }

    [Fact]
    public void Check_ReplicaCount_IsLimitedLikeAResource()
    {
        var usage = Using(Quota(hard: "replicas=2"), "replicas=2");
        var refusal = usage.Check("team-a", Limits("cpu=1,replicas=1")).Refusal;
        Assert.Equal("replicas", refusal?.Resource);
        Assert.Contains("used 2 + requested 1 is over the hard limit 2", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GpuAndExtendedResources_AreLimited()
    {
        var usage = Using(Quota(hard: "nvidia.com/gpu=2,example.com/fpga=1"), "nvidia.com/gpu=1500m");
        Assert.True(usage.Check("team-a", Limits("nvidia.com/gpu=500m")).IsAdmitted);
        Assert.Equal("nvidia.com/gpu", usage.Check("team-a", Limits("nvidia.com/gpu=1")).Refusal?.Resource);
        Assert.Equal("example.com/fpga", usage.Check("team-a", Limits("example.com/fpga=2")).Refusal?.Resource);
    }

    [Fact]
    public void Check_AboveSoftWithinCeiling_IsBurst_AndExactlyAtCeilingStillIs()
    {
        // soft 4, maxBurstPercent 50 → ceiling 6.
        var usage = Using(Quota(soft: "cpu=4", allowBurst: true, percent: 50), "cpu=4");
        Assert.Equal(QuotaVerdict.Bursting, usage.Check("team-a", Limits("cpu=1")));
        Assert.Equal(QuotaVerdict.Bursting, usage.Check("team-a", Limits("cpu=2")));
        var refusal = usage.Check("team-a", Limits("cpu=2001m")).Refusal;
        Assert.Equal(QuotaLimitKind.BurstCeiling, refusal?.Kind);
        Assert.Equal(6m, refusal?.Limit);
    }

    [Fact]
    public void Check_WithinSoft_IsGuaranteed_AndExactlyAtSoftIsNotBurst()
    {
        var usage = Using(Quota(soft: "cpu=4", allowBurst: true, percent: 50), "cpu=3");
        Assert.Equal(QuotaVerdict.Guaranteed, usage.Check("team-a", Limits("cpu=1")));
    }

    [Fact]
    public void Check_AboveSoftWithoutBurst_IsRefusedAtTheSoftLimit()
    {
        var usage = Using(Quota(soft: "cpu=4"), "cpu=4");
        var refusal = usage.Check("team-a", Limits("cpu=1")).Refusal;
        Assert.Equal(QuotaLimitKind.Soft, refusal?.Kind);
        Assert.Contains("soft limit (allowBurst is off) 4", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RequestWithoutTheResource_IsNotRefusedOverIt()
    {
        // Already over a lowered memory limit: a replica that asks no memory still fits the quota.
        var usage = Using(Quota(hard: "memory=1Gi,cpu=4"), "memory=2Gi");
        Assert.True(usage.Check("team-a", Limits("cpu=1")).IsAdmitted);
    }

    [Fact]
    public void Check_OtherNamespace_IsNotLimited()
    {
        var usage = Using(Quota(hard: "cpu=1"), "cpu=1");
        Assert.Equal(QuotaVerdict.Guaranteed, usage.Check("team-b", Limits("cpu=100")));
    }

    [Fact]
    public void Check_SeveralQuotas_NamesTheFirstRefusingInNameOrder()
    {
        var usage = new QuotaUsage([Quota(hard: "cpu=2", name: "zeta"), Quota(hard: "cpu=1", name: "alpha")]);
        Assert.Equal("team-a/alpha", usage.Check("team-a", Limits("cpu=3")).Refusal?.Quota);
    }

    [Fact]
    public void Remove_GivesCapacityBack()
    {
        var usage = Using(Quota(hard: "cpu=2"), "cpu=2");
        usage.Remove("team-a", Limits("cpu=1"));
        Assert.True(usage.Check("team-a", Limits("cpu=1")).IsAdmitted);
        Assert.Equal(1m, usage.UsedBy(Quota(hard: "cpu=2")).Get("cpu").Amount);
    }

    [Theory]
    [InlineData("memory", "17179869184", "16Gi")]
    [InlineData("memory", "1500", "1500")]
    [InlineData("ephemeral-storage", "1572864", "1536Ki")]
    [InlineData("cpu", "0.5", "500m")]
    [InlineData("cpu", "2", "2")]
    [InlineData("nvidia.com/gpu", "0.25", "250m")]
    [InlineData("replicas", "3", "3")]
    public void Amount_ReadsAsAPersonWritesIt(string resource, string amount, string expected) =>
        Assert.Equal(expected, QuotaMessages.Amount(resource, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void PerReplica_CountsRequestsAndOneReplica()
    {
        var workload = new Fixtures.WorkloadBuilder().Requests(("cpu", "500m"), ("memory", "1Gi")).Build();
        var demand = QuotaDemand.Of(workload, 3);
        Assert.Equal(1.5m, demand.Get("cpu").Amount);
        Assert.Equal(3m * 1024 * 1024 * 1024, demand.Get("memory").Amount);
        Assert.Equal(3m, demand.Get(QuotaSpec.Replicas).Amount);
    }
}
