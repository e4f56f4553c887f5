using Berth.Server.Hosting;
using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Tests.ControlLoop;

/// <summary>The one loop owner in a real server: the store watch drives reconciles between sweeps.</summary>
public sealed class ControlLoopServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "berth-loop-" + Guid.NewGuid().ToString("N"));
    private ServerHost? _host;

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync(
        new ServerOptions
        {
            Listen = "127.0.0.1:0",
            DataDirectory = _data,
            // Neither the tick nor the sweep comes round during the test: only the watch can act.
            LoopInterval = TimeSpan.FromMinutes(10),
            Reconciler = new ReconcilerOptions { Interval = TimeSpan.FromMinutes(10) },
        },
        logging => logging.ClearProviders());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task WorkloadWrittenWithoutASignal_IsPlacedByTheWatchBeforeAnySweep()
    {
        var host = _host!;
        // The first pass sweeps and starts the watch; a node registering then changes /nodes/, which the watch answers with one signalled pass.
        await WaitForAsync(() => Task.FromResult(host.Loop.CompletedPasses >= 1), "the first pass");
        await host.Nodes.RegisterAsync(StateFixtures.Node("n1").Spec);
        await WaitForAsync(() => Task.FromResult(host.Loop.CompletedPasses >= 2), "the pass after the node registered");
        int passes = host.Loop.CompletedPasses;

        var web = StateFixtures.Workload(replicas: 2);
        await host.Store.PutAsync(KeyLayout.Workload(WorkloadKey.Of(web)), StateSerializer.Serialize(web));

        await WaitForAsync(async () => (await host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(web))))).Kvs.Count == 2, "two assignments");
        Assert.Equal(passes, host.Loop.CompletedPasses);
        await WaitForAsync(async () => (await host.Store.RangeAsync(KeyRange.Prefix(KeyLayout.ReconciliationRecordsOf(WorkloadKey.Of(web))))).Kvs.Count == 2, "two records");
    }
}
