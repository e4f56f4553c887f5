using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Specs;
using Berth.Server.Fleet.Hierarchy;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Tests.Fleet.Hierarchy;

/// <summary>Pools, node classes and region reports for the hierarchy tests.</summary>
internal static class RegionFixtures
{
    public static PoolSpec Pool(string name, string region, params string[] compliance) =>
        new(name, region, new PoolProvider(FleetProviderTypes.Simulated, new Dictionary<string, string>()), PoolCapacity.Unlimited, null,
            ["medium"], new Dictionary<string, string>(), compliance);

    public static NodeClassSpec NodeClass(string name = "medium") =>
        new(name, new NodeClassResources(4, 16, 100, 0), new Dictionary<string, IReadOnlyDictionary<string, string>>(),
            new Dictionary<string, decimal> { [FleetProviderTypes.Simulated] = 0.192m });

    public static RegionReport Report(string region, params PoolSpec[] pools) =>
        new(region, $"http://127.0.0.1:1/{region}/", pools, [NodeClass()]);

    /// <summary>Stores a pool as <c>apply -f</c> does (<c>/objects/pools/{name}</c>).</summary>
    public static Task<long> PutPoolAsync(IKeyValueStore store, PoolSpec pool) =>
        store.PutAsync(KeyLayout.Object(ObjectKinds.Pools, "", pool.Name), Serialize(pool));

    /// <summary>Stores a node class as <c>apply -f</c> does (<c>/objects/nodeclasses/{name}</c>).</summary>
    public static Task<long> PutNodeClassAsync(IKeyValueStore store, NodeClassSpec nodeClass) =>
        store.PutAsync(KeyLayout.Object(ObjectKinds.NodeClasses, "", nodeClass.Name), Serialize(nodeClass));

    private static byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)StateSerializer.Options.GetTypeInfo(typeof(T)));
}
