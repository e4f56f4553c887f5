using Berth.Server.State;

namespace Berth.Server.Tests.State;

public sealed class KeyLayoutTests
{
    private static readonly WorkloadKey Web = new("default", "web");

    [Fact]
    public void Builders_ValidParts_FollowTheDesignLayout()
    {
        Assert.Equal("/nodes/node-1", KeyLayout.Node("node-1"));
        Assert.Equal("/workloads/default/web", KeyLayout.Workload(Web));
        Assert.Equal("/assignments/default/web/12", KeyLayout.Assignment(Web, 12));
        Assert.Equal("/assignments/default/web/", KeyLayout.AssignmentsOf(Web));
        Assert.Equal("/retries/default/web/0", KeyLayout.Retry(Web, 0));
        Assert.Equal("/reconciliation/default/web", KeyLayout.Reconciliation(Web));
        Assert.Equal("/allocations/node-1", KeyLayout.Allocation("node-1"));
    }

    [Fact]
    public void Heartbeat_ValidNode_BuildsAndParsesBack()
    {
        Assert.Equal("/heartbeats/node-1", KeyLayout.Heartbeat("node-1"));
        Assert.True(KeyLayout.TryParseHeartbeat(KeyLayout.Heartbeat("gpu.node-7"), out var node));
        Assert.Equal("gpu.node-7", node);
        Assert.False(KeyLayout.TryParseHeartbeat(KeyLayout.Node("n1"), out _));
        Assert.Throws<ArgumentException>(() => KeyLayout.Heartbeat("Bad_Name"));
    }

    [Fact]
    public void Parsers_BuiltKeys_RoundTrip()
    {
        Assert.True(KeyLayout.TryParseNode(KeyLayout.Node("gpu.node-7"), out var node));
        Assert.Equal("gpu.node-7", node);
        Assert.True(KeyLayout.TryParseWorkload(KeyLayout.Workload(Web), out var workload));
        Assert.Equal(Web, workload);
        Assert.True(KeyLayout.TryParseAssignment(KeyLayout.Assignment(Web, 3), out workload, out var replica));
        Assert.Equal((Web, 3), (workload, replica));
        Assert.True(KeyLayout.TryParseRetry(KeyLayout.Retry(Web, 40), out workload, out replica));
        Assert.Equal((Web, 40), (workload, replica));
        Assert.True(KeyLayout.TryParseAllocation(KeyLayout.Allocation("n1"), out node));
        Assert.Equal("n1", node);
    }

    [Theory]
    [InlineData("wrong prefix", "/node/n1")]
    [InlineData("upper case", "/assignments/default/Web/0")]
    [InlineData("padded replica", "/assignments/default/web/007")]
    [InlineData("negative replica", "/assignments/default/web/-1")]
    [InlineData("missing replica", "/assignments/default/web/")]
    [InlineData("extra segment", "/assignments/default/web/0/x")]
    [InlineData("no name", "/workloads/default/")]
    public void TryParseAssignmentOrWorkload_MalformedKey_ReturnsFalse(string name, string key)
    {
        Assert.NotNull(name);
        Assert.False(KeyLayout.TryParseAssignment(key, out _, out _));
        Assert.False(KeyLayout.TryParseWorkload(key, out _));
    }

    [Theory]
    [InlineData("slash in name", "default", "a/b")]
    [InlineData("upper case", "default", "Web")]
    [InlineData("empty namespace", "", "web")]
    [InlineData("dot in namespace", "a.b", "web")]
    public void Workload_InvalidPart_ThrowsNamingThePart(string name, string ns, string workload)
    {
        Assert.NotNull(name);
        var error = Assert.Throws<ArgumentException>(() => KeyLayout.Workload(new WorkloadKey(ns, workload)));
        Assert.Contains(ns.Length == 0 || ns.Contains('.', StringComparison.Ordinal) ? "namespace" : "workload name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assignment_NegativeReplica_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyLayout.Assignment(Web, -1));

    [Fact]
    public void Event_Times_SortInTimeOrderAndParseBack()
    {
        var early = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var a = KeyLayout.Event(early, "w1", 9);
        var b = KeyLayout.Event(early.AddTicks(1), "w1", 1);
        Assert.True(string.CompareOrdinal(a, b) < 0);
        Assert.True(KeyLayout.TryParseEvent(a, out var time));
        Assert.Equal(early, time);
        Assert.False(KeyLayout.TryParseEvent("/events/123-w1-0000000001", out _));
    }

    [Fact]
    public void Event_InvalidWriter_Throws() =>
        Assert.Throws<ArgumentException>(() => KeyLayout.Event(DateTimeOffset.UnixEpoch, "Bad/Writer", 0));

    [Fact]
    public void WorkloadKeyParse_NoSlash_ThrowsWithExample()
    {
        var error = Assert.Throws<FormatException>(() => WorkloadKey.Parse("web"));
        Assert.Equal(StateMessages.WorkloadKeyWithoutSlash("web"), error.Message);
    }

    [Fact]
    public void Unschedulable_BuiltKey_SitsUnderReconciliationAndRoundTrips()
    {
        Assert.Equal("/reconciliation/default/web/unschedulable/2", KeyLayout.Unschedulable(Web, 2));
        Assert.StartsWith(KeyLayout.UnschedulableOf(Web), KeyLayout.Unschedulable(Web, 2), StringComparison.Ordinal);
        Assert.True(KeyLayout.TryParseUnschedulable(KeyLayout.Unschedulable(Web, 2), out var workload, out var replica));
        Assert.Equal((Web, 2), (workload, replica));
    }

    [Theory]
    [InlineData("workload bookkeeping", "/reconciliation/default/web")]
    [InlineData("other segment", "/reconciliation/default/web/retries/2")]
    [InlineData("padded replica", "/reconciliation/default/web/unschedulable/02")]
    [InlineData("missing replica", "/reconciliation/default/web/unschedulable/")]
    [InlineData("wrong prefix", "/assignments/default/web/unschedulable/2")]
    public void TryParseUnschedulable_OtherKeys_False(string name, string key)
    {
        Assert.False(KeyLayout.TryParseUnschedulable(key, out _, out var replica), name);
        Assert.Equal(-1, replica);
    }

    [Fact]
    public void Rollout_BuiltKey_SitsUnderTheWorkloadsBookkeepingAndRoundTrips()
    {
        Assert.Equal("/reconciliation/default/web/rollout", KeyLayout.Rollout(Web));
        Assert.StartsWith(KeyLayout.ReconciliationOf(Web), KeyLayout.Rollout(Web), StringComparison.Ordinal);
        Assert.True(KeyLayout.TryParseRollout(KeyLayout.Rollout(Web), out var workload));
        Assert.Equal(Web, workload);
        Assert.False(KeyLayout.TryParseRollout(KeyLayout.Unschedulable(Web, 2), out _));
    }

    [Fact]
    public void ReconciliationRecord_BuiltKey_SortsByTimeAndNeverParsesAsASummaryOrRollout()
    {
        var early = KeyLayout.ReconciliationRecord(Web, DateTimeOffset.UnixEpoch, 9);
        var late = KeyLayout.ReconciliationRecord(Web, DateTimeOffset.UnixEpoch.AddTicks(1), 1);

        Assert.Equal("/reconciliation/records/default/web/0621355968000000000-0000000009", early);
        Assert.True(string.CompareOrdinal(early, late) < 0);
        Assert.StartsWith(KeyLayout.ReconciliationRecordsOf(Web), early, StringComparison.Ordinal);
        // A workload named "unschedulable" in namespace "default": its records must not read as summaries of records/default.
        var tricky = KeyLayout.ReconciliationRecord(new WorkloadKey("default", "unschedulable"), DateTimeOffset.UnixEpoch, 3);
        Assert.False(KeyLayout.TryParseUnschedulable(tricky, out _, out _));
        Assert.False(KeyLayout.TryParseRollout(tricky, out _));
    }
}
