using Berth.Core.Manifests;
using Berth.Server.Api;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using ApplyOutcome = Berth.Server.Api.ApplyOutcome;

namespace Berth.Server.Tests.Api;

/// <summary>
/// Objects of kinds other than Workload (<see cref="ObjectKinds"/>) go through the same apply transaction as workloads.
/// A sample kind whose spec is a <see cref="NodeHeartbeat"/> stands in for the real ones here, so these rules hold
/// whatever kinds exist.
/// </summary>
public sealed class ObjectApplyTests
{
    private static readonly ObjectKind Sample = ObjectKind.Of("Sample", "samples", namespaced: true, _ => new NodeHeartbeat(DateTimeOffset.UnixEpoch));
    private static readonly ObjectKind ClusterSample = ObjectKind.Of("ClusterSample", "clustersamples", namespaced: false, _ => new NodeHeartbeat(DateTimeOffset.UnixEpoch));

    private static StoredObject Object(string ns, string name, int seconds) =>
        new(Sample, ns, name, new NodeHeartbeat(DateTimeOffset.UnixEpoch.AddSeconds(seconds)));

    [Fact]
    public async Task ApplyAsync_WorkloadsAndObjects_WritesThemInOneRevisionWithAnEventEach()
    {
        await using var h = new StateHarness();
        var writer = new WorkloadWriter(h.Store, h.Events);

        var response = await writer.ApplyAsync([StateFixtures.Workload("web")], [Object("team-a", "one", 1)]);

        var applied = Assert.Single(response!.Objects);
        Assert.Equal(("Sample", "/objects/samples/team-a/one", ApplyOutcome.Created, response.Revision), (applied.Kind, applied.Key, applied.Outcome, applied.Revision));
        Assert.Equal(response.Revision, Assert.Single(response.Workloads).Revision);
        var stored = await h.Store.GetAsync("/objects/samples/team-a/one");
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1), ((NodeHeartbeat)Sample.Deserialize(stored!.Value.Span)).Time);
        var events = await h.Events.ReadAfterAsync(0);
        Assert.Contains(events, e => e.Type == ClusterEventType.ObjectApplied && e.Subject == "team-a/one" && e.Message == "Sample team-a/one created");
        Assert.Contains(events, e => e.Type == ClusterEventType.WorkloadApplied);
    }

    [Fact]
    public async Task ApplyAsync_SameObjectAgain_IsUnchangedAndWritesNothing()
    {
        await using var h = new StateHarness();
        var writer = new WorkloadWriter(h.Store, h.Events);
        var first = await writer.ApplyAsync([], [Object("team-a", "one", 1)]);

        var second = await writer.ApplyAsync([], [Object("team-a", "one", 1)]);
        var changed = await writer.ApplyAsync([], [Object("team-a", "one", 2)]);

        Assert.Equal((ApplyOutcome.Unchanged, first!.Revision), (second!.Objects[0].Outcome, second.Revision));
        Assert.Equal(ApplyOutcome.Configured, changed!.Objects[0].Outcome);
        Assert.Single(await h.Events.ReadAfterAsync(changed.Revision - 1), e => e.Message == "Sample team-a/one updated");
    }

    [Fact]
    public async Task DeleteAsync_StoredObject_RemovesItWithAnEvent_AndMissingIsNull()
    {
        await using var h = new StateHarness();
        var writer = new WorkloadWriter(h.Store, h.Events);
        await writer.ApplyAsync([], [new StoredObject(ClusterSample, "", "gold", new NodeHeartbeat(DateTimeOffset.UnixEpoch))]);

        var deleted = await writer.DeleteAsync(ClusterSample, "", "gold");
        var again = await writer.DeleteAsync(ClusterSample, "", "gold");

        Assert.Equal("/objects/clustersamples/gold", deleted!.Key);
        Assert.Null(again);
        Assert.Null(await h.Store.GetAsync("/objects/clustersamples/gold"));
        Assert.Contains(await h.Events.ReadAfterAsync(0), e => e.Type == ClusterEventType.ObjectDeleted && e.Subject == "gold");
    }

    [Fact]
    public void Object_ClusterWideKindGivenANamespace_IsRefusedNamingTheKind()
    {
        var error = Assert.Throws<ArgumentException>(() => KeyLayout.Object(ClusterSample, "default", "gold"));

        Assert.Contains("ClusterSample is cluster-wide", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_NamespacedKindWithAnInvalidName_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => KeyLayout.Object(Sample, "team-a", "Not_Valid"));
        Assert.Throws<ArgumentException>(() => KeyLayout.Object(Sample, "", "one"));
    }

    [Fact]
    public void Read_ClusterWideKind_DropsTheDefaultNamespace()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            "{\"apiVersion\": \"berth.dev/v1\", \"kind\": \"Workload\", \"metadata\": {\"name\": \"gold\"}, \"spec\": {}}"));

        var stored = ClusterSample.Read(document);

        Assert.Equal(("", "gold", "/objects/clustersamples/gold"), (stored.Namespace, stored.Name, stored.Key));
    }

    [Fact]
    public void TryParseObject_KeyOfAKindThatIsNotRegistered_IsNotAnObjectKey()
    {
        Assert.False(KeyLayout.TryParseObject("/objects/samples/team-a/one", out _, out _, out _));
        Assert.False(KeyLayout.TryParseObject("/objects/", out _, out _, out _));
    }
}
