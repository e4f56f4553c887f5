using Berth.Core.Resources;
using Berth.Server.Agents;
using Berth.Server.Api;
using Berth.Server.Hosting;
using Berth.Server.Nodes;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Agents;

/// <summary><see cref="StatusReportBatcher"/> behind <see cref="AgentOperations.ReportAsync"/>: many Running reports, few transactions, answers as before.</summary>
public sealed class StatusReportBatcherTests : IAsyncLifetime
{
    // A long window, so reports started together always meet in it.
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);
    private readonly ManualTimeProvider _clock = new(StateFixtures.T0);
    private readonly IKeyValueStore _inner = StateFixtures.Store();
    private CountingStore _store = null!;
    private EventLog _log = null!;
    private StatusReportBatcher _batcher = null!;
    private AgentOperations _agents = null!;

    public async Task InitializeAsync()
    {
        _store = new CountingStore(_inner);
        _log = new EventLog(_store, _clock, "agents");
        _batcher = new StatusReportBatcher(_store, _log, Window);
        _agents = Operations(_store, _batcher);
        var nodes = new NodeManager(_inner, _log);
        await nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        await nodes.RegisterAsync(StateFixtures.Node("n2").Spec);
    }

    public async Task DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _inner.DisposeAsync();
    }

    private AgentOperations Operations(IKeyValueStore store, StatusReportBatcher batcher) =>
        new(store, new NodeManager(store, _log), _log, new RetryEngine(store, _log), new ControlLoopSignal(), new WorkloadHistory(store), statusReports: batcher);

    // A workload with `replicas` Pending assignments, alternately on n1 and n2; returns the workload's key and revision.
    private async Task<(WorkloadKey Key, long Revision)> SeedAsync(int replicas, AssignmentState state = AssignmentState.Pending)
    {
        var spec = StateFixtures.Workload(replicas: replicas);
        var key = WorkloadKey.Of(spec);
        long revision = await _inner.PutAsync(KeyLayout.Workload(key), StateSerializer.Serialize(spec));
        for (int replica = 0; replica < replicas; replica++)
        {
            var assignment = new Assignment(key, replica, NodeOf(replica), revision, ResourceList.Empty, [], "fits", state);
            await _inner.PutAsync(KeyLayout.Assignment(key, replica), StateSerializer.Serialize(assignment));
        }
        return (key, revision);
    }

    private static string NodeOf(int replica) => replica % 2 == 0 ? "n1" : "n2";

    private static AgentStatusReport Running(WorkloadKey key, int replica, long? revision = null) =>
        new(key.ToString(), replica, AgentReplicaState.Running, WorkloadRevision: revision);

    private async Task<Assignment> AssignmentAsync(WorkloadKey key, int replica) =>
        StateSerializer.Deserialize<Assignment>((await _inner.GetAsync(KeyLayout.Assignment(key, replica)))!.Value.Span);

    private async Task<IReadOnlyList<(string Key, long ModRevision)>> DumpAsync() =>
        [.. (await _inner.RangeAsync(KeyRange.Prefix("/"))).Kvs.Select(kv => (kv.Key, kv.ModRevision))];

    [Fact]
    public async Task ReportAsync_200ConcurrentRunningReports_FewTransactionsEachStoredWithItsEvent()
    {
        var web = await SeedAsync(100);
        var api = await SeedAsync(100);
        var reports = Enumerable.Range(0, 100).SelectMany(r => new[] { (web.Key, r), (api.Key, r) }).ToArray();
        int writes = _store.Writes;

        var answers = await Task.WhenAll(reports.Select(r => _agents.ReportAsync(NodeOf(r.r), Running(r.Key, r.r))));

        Assert.All(answers, a => Assert.Equal("Running", a.Outcome));
        // Two workloads: a write holds 63 reports (2 compares each, plus one per workload, within 128), so 4 batches
        // rather than 200 writes; a report that arrived late may open one more.
        Assert.Equal(200, _batcher.BatchedReports);
        Assert.InRange(_store.Writes - writes, 4, 6);
        Assert.Equal(_batcher.Batches, _store.Writes - writes);
        Assert.InRange(_store.LargestTransaction, 1, StatusReportBatcher.MaxTransactionSize);
        var events = await _log.ReadAfterAsync(0);
        foreach (var (key, replica) in reports)
        {
            Assert.Equal(AssignmentState.Running, (await AssignmentAsync(key, replica)).State);
            var subject = AssignmentApplier.ReplicaSubject(key, replica);
            var running = Assert.Single(events, e => e.Type == ClusterEventType.ReplicaRunning && e.Subject == subject);
            Assert.Equal(AgentMessages.Running(subject, NodeOf(replica)), running.Message);
        }
    }

    [Fact]
    public async Task ReportAsync_RepeatedReport_AlreadyRunningAndWritesNothing()
    {
        var web = await SeedAsync(3);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(r => _agents.ReportAsync(NodeOf(r), Running(web.Key, r))));
        var before = await DumpAsync();
        int writes = _store.Writes;

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(r => _agents.ReportAsync(NodeOf(r), Running(web.Key, r))));

        Assert.All(answers, a => Assert.Equal("AlreadyRunning", a.Outcome));
        Assert.Equal(before, await DumpAsync());
        Assert.Equal(writes, _store.Writes);
    }

    [Fact]
    public async Task ReportAsync_StaleWorkloadRevisionAmongPlainReports_AnswersStaleWritesOnlyThePlainOnes()
    {
        var web = await SeedAsync(4);

        var answers = await Task.WhenAll(
            _agents.ReportAsync("n1", Running(web.Key, 0, web.Revision)),
            _agents.ReportAsync("n2", Running(web.Key, 1, web.Revision - 1)),
            _agents.ReportAsync("n1", Running(web.Key, 1)),
            _agents.ReportAsync("n1", Running(web.Key, 2)));

        // As the single path answers: a report of another revision is stale, one from the wrong node says so, and neither writes.
        Assert.Equal(["Running", "Stale", AgentOperations.WrongNodeOutcome, "Running"], answers.Select(a => a.Outcome));
        Assert.Equal(AssignmentState.Pending, (await AssignmentAsync(web.Key, 1)).State);
        Assert.Equal(AssignmentState.Running, (await AssignmentAsync(web.Key, 0)).State);
        Assert.Equal(AssignmentState.Running, (await AssignmentAsync(web.Key, 2)).State);
        Assert.Equal(2, (await _log.ReadAfterAsync(0)).Count(e => e.Type == ClusterEventType.ReplicaRunning));
        Assert.Equal(2, _batcher.BatchedReports);
    }

    [Fact]
    public async Task ReportAsync_UnknownReplica_AnswersAsBeforeAndWritesNothing()
    {
        var web = await SeedAsync(1);
        var before = await DumpAsync();

        var answer = await _agents.ReportAsync("n1", Running(web.Key, 7));

        Assert.Equal("UnknownReplica", answer.Outcome);
        Assert.Equal(before, await DumpAsync());
    }

    [Fact]
    public async Task ReportAsync_StoreFailsTheWrite_EveryCallerFailsAndNothingIsWritten()
    {
        var web = await SeedAsync(10);
        var before = await DumpAsync();
        var failure = new StoreUnavailableException("the store is down");
        _store.FailWrites = failure;

        var reports = Enumerable.Range(0, 10).Select(r => _agents.ReportAsync(NodeOf(r), Running(web.Key, r))).ToArray();

        foreach (var report in reports)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<StoreUnavailableException>(() => report));
        }
        Assert.Equal(before, await DumpAsync());
        Assert.Equal(0, _batcher.BatchedReports);

        // The next batch works again.
        _store.FailWrites = null;
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(r => _agents.ReportAsync(NodeOf(r), Running(web.Key, r))));
        Assert.All(answers, a => Assert.Equal("Running", a.Outcome));
    }

    [Fact]
    public async Task ReportAsync_AssignmentChangesBetweenReadAndWrite_EveryReportJudgedAgainOneByOne()
    {
        var web = await SeedAsync(5);
        // Replica 3 is stopped just before the batch's write: the batch's compares fail, and each report goes alone.
        var interfering = new InterferingStore(_inner);
        await using var batcher = new StatusReportBatcher(interfering, _log, Window);
        var agents = Operations(interfering, batcher);
        interfering.BeforeNextWrite = async store =>
        {
            var stopped = (await AssignmentAsync(web.Key, 3)) with { State = AssignmentState.Stopped };
            await store.PutAsync(KeyLayout.Assignment(web.Key, 3), StateSerializer.Serialize(stopped));
        };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(r => agents.ReportAsync(NodeOf(r), Running(web.Key, r))));

        Assert.Equal(["Running", "Running", "Running", "NotPending", "Running"], answers.Select(a => a.Outcome));
        Assert.Equal(1, interfering.FailedWrites);
        Assert.Equal(0, batcher.BatchedReports);
        Assert.Equal(AssignmentState.Stopped, (await AssignmentAsync(web.Key, 3)).State);
        var events = await _log.ReadAfterAsync(0);
        Assert.Equal(4, events.Count(e => e.Type == ClusterEventType.ReplicaRunning));
        Assert.DoesNotContain(events, e => e.Subject == AssignmentApplier.ReplicaSubject(web.Key, 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Validate_StatusReportBatchWindowOutOfRange_NamesTheOption(int windowMs)
    {
        var options = new ServerOptions { Listen = "127.0.0.1:0", StatusReportBatchWindow = TimeSpan.FromMilliseconds(windowMs) };

        var error = Assert.Throws<ServerOptionsException>(options.Validate);

        Assert.StartsWith($"StatusReportBatchWindow is {TimeSpan.FromMilliseconds(windowMs)}", error.Message, StringComparison.Ordinal);
    }
}
