using Berth.Core.Manifests;
using Berth.Server.Automation;
using Berth.Server.Leadership;
using Berth.Server.Nodes;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Automation;

/// <summary>Rule engines writing through the leadership fence of two servers: an episode fired by the first leader is not fired again by the next.</summary>
public sealed class RuleFailoverTests
{
    [Fact]
    public async Task RunPass_LeaderChangesDuringAnEpisode_TheNewLeaderDoesNotFireItAgain()
    {
        await using var store = StateFixtures.Store();
        await using var electors = new Electors(store, LeaderElection.MinimumLease);
        var time = new ManualTimeProvider(StateFixtures.T0);
        var events = new EventLog(store, time, "test");
        var document = Assert.Single(ManifestDocumentReader.ReadAll(
            "apiVersion: berth.dev/v1\nkind: Rule\nmetadata: {name: crash-loop}\nspec: {condition: {events: {type: RetryTriggered, count: 2, within: 10m}}, actions: [{event: {reason: CrashLoop}}]}"));
        await store.PutAsync(KeyLayout.Object(ObjectKinds.Rules, "", "crash-loop"), ObjectKinds.Rules.Serialize(ObjectKinds.Rules.Read(document).Spec));
        RuleEngine EngineOf(LeaderElection election)
        {
            var fence = new LeadershipFence(store, election);
            var fenced = new EventLog(fence, time);
            return new RuleEngine(fence, fenced, new NodeManager(fence, fenced, time: time), new RuleEngineOptions(), time);
        }
        var first = electors.Add();
        await Electors.WaitForAsync(() => first.IsLeader, "the first server to lead");
        var second = electors.Add();
        await events.AppendAsync(events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        await events.AppendAsync(events.Create(ClusterEventType.RetryTriggered, "default/api/1", "exited 1"));

        Assert.Single(await EngineOf(first).RunPassAsync());
        await electors.StopAsync(0);
        await Electors.WaitForAsync(() => second.IsLeader, "the second server to take over");
        var next = EngineOf(second);
        var again = await next.RunPassAsync();
        time.Advance(TimeSpan.FromMinutes(11));
        await next.RunPassAsync();
        await events.AppendAsync(events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        await events.AppendAsync(events.Create(ClusterEventType.RetryTriggered, "default/api/0", "exited 1"));
        var secondEpisode = Assert.Single(await next.RunPassAsync());

        Assert.Empty(again);
        Assert.Equal(2, secondEpisode.Episode);
        Assert.Equal(2, (await events.ReadAfterAsync(0)).Count(e => e.Type == ClusterEventType.RuleFired));
    }
}
