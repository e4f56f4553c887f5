using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Tests.Fleet;

/// <summary>Pools and node classes for fleet tests, and a way to store them where apply puts them.</summary>
internal static class FleetSpecs
{
    public static PoolSpec Pool(string name = "us-east", string provider = FleetProviderTypes.Simulated, string region = "us-east") =>
        new(name, region, new PoolProvider(provider, new Dictionary<string, string>()), PoolCapacity.Unlimited, null, ["medium"],
            new Dictionary<string, string>(), []);

    public static NodeClassSpec NodeClass(string name = "medium", int cores = 4, int memoryGi = 16) =>
        new(name, new NodeClassResources(cores, memoryGi, 100, 0), new Dictionary<string, IReadOnlyDictionary<string, string>>(),
            new Dictionary<string, decimal> { [FleetProviderTypes.Local] = 0.10m, [FleetProviderTypes.Simulated] = 0.10m });

    /// <summary>Stores the pool and node class as <c>apply -f</c> does (<c>/objects/pools/…</c>, <c>/objects/nodeclasses/…</c>).</summary>
    public static async Task StoreAsync(IKeyValueStore store, PoolSpec pool, NodeClassSpec nodeClass)
    {
        await store.PutAsync(KeyLayout.Object(ObjectKinds.Pools, "", pool.Name), ObjectKinds.Pools.Serialize(pool));
        await store.PutAsync(KeyLayout.Object(ObjectKinds.NodeClasses, "", nodeClass.Name), ObjectKinds.NodeClasses.Serialize(nodeClass));
    }
}
