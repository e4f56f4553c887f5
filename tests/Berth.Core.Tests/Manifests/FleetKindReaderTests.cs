using Berth.Core.Manifests;
using Berth.Core.Specs;
using Berth.Core.Tests.Fixtures;

namespace Berth.Core.Tests.Manifests;

/// <summary>The Pool, NodeClass and PlacementPolicy readers, and a workload's placement and dependencies.</summary>
public class FleetKindReaderTests
{
    private static ManifestDocument Document(string kind, string name, string spec) =>
        Assert.Single(ManifestDocumentReader.ReadAll($"apiVersion: berth.dev/v1\nkind: {kind}\nmetadata: {{name: {name}}}\n{spec}"));

    [Fact]
    public void PoolRead_DesignsUsEastPool_ReadsEveryField()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("fleet", "us-east-pool.yaml")));

        var pool = PoolManifestReader.Read(document);

        Assert.Equal(("us-east", "us-east", "local"), (pool.Name, pool.Region, pool.Provider.Type));
        Assert.Equal("us-east-1", pool.Provider.Settings["region"]);
        Assert.Equal(new PoolCapacity(100, 2000, 8000), pool.Capacity);
        Assert.Equal(new PoolBudget(10000m, "USD", 0.8), pool.Budget);
        Assert.Equal(["small", "medium", "large", "gpu"], pool.NodeClasses);
        Assert.Equal(["soc2", "hipaa", "gdpr"], pool.Compliance);
        Assert.Equal("production", pool.Labels["tier"]);
        Assert.False(pool.Labels.ContainsKey(PoolManifestReader.ComplianceLabel));
    }

    [Fact]
    public void PoolRead_WithoutRegion_TakesThePoolsName()
    {
        var pool = PoolManifestReader.Read(Document("Pool", "eu-west", "spec: {provider: {type: simulated}, nodeClasses: medium}"));

        Assert.Equal(("eu-west", PoolCapacity.Unlimited, null), (pool.Region, pool.Capacity, pool.Budget));
        Assert.Equal(["medium"], pool.NodeClasses);
    }

    [Theory]
    [InlineData("spec: {provider: {type: aws}, nodeClasses: [m]}",
        "spec.provider.type: provider 'aws' is not built; use one of local, simulated (docs/providers.md says what a cloud provider needs)")]
    [InlineData("spec: {nodeClasses: [m]}", "spec.provider: required field is missing")]
    [InlineData("spec: {provider: {type: local}, nodeClasses: []}",
        "spec.nodeClasses: lists no node class; name at least one NodeClass the pool's clusters are built from, e.g. [medium]")]
    [InlineData("spec: {provider: {type: local}, nodeClasses: [m], budget: {maxMonthlyCost: 10, alertThreshold: 80}}",
        "spec.budget.alertThreshold: '80' is not a fraction from 0 to 1; write 80% as 0.8")]
    [InlineData("spec: {provider: {type: local}, nodeClasses: [m], capacity: {maxNodes: 0}}", "spec.capacity.maxNodes: 0 is below 1; give 1 or more")]
    [InlineData("spec: {provider: {type: local}, nodeClasses: [m, m]}", "spec.nodeClasses[1]: 'm' is listed twice")]
    [InlineData("spec: {provider: {type: local}, nodeClasses: [m], zones: 3}", "spec.zones: unknown field")]
    public void PoolRead_BadSpec_FailsNamingTheField(string spec, string message)
    {
        var error = Assert.Throws<ManifestException>(() => PoolManifestReader.Read(Document("Pool", "p", spec)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void PoolRead_NameTooLongForClusterNames_IsRefused()
    {
        var name = new string('a', PoolManifestReader.MaxNameLength + 1);

        var error = Assert.Throws<ManifestException>(() => PoolManifestReader.Read(Document("Pool", name, "spec: {provider: {type: local}, nodeClasses: [m]}")));

        Assert.StartsWith("metadata.name: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 50", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeClassRead_DesignsMediumClass_ReadsResourcesProvidersAndCosts()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("fleet", "medium-nodeclass.yaml")));

        var nodeClass = NodeClassManifestReader.Read(document);

        Assert.Equal(new NodeClassResources(4, 16, 100, 0), nodeClass.Resources);
        Assert.Equal("m5.xlarge", nodeClass.Providers["aws"]["instanceType"]);
        Assert.Equal(0.192m, nodeClass.HourlyCost("aws"));
        Assert.Equal(0m, nodeClass.HourlyCost("proxmox"));
    }

    [Theory]
    [InlineData("spec: {resources: {memoryGi: 4}}", "spec.resources.cores: required field is missing")]
    [InlineData("spec: {resources: {cores: 2, memoryGi: 4}, costPerHour: {aws: -1}}", "spec.costPerHour.aws: '-1' is negative; give a cost of zero or more")]
    [InlineData("spec: {resources: {cores: 2, memoryGi: 4, cpu: 2}}", "spec.resources.cpu: unknown field")]
    public void NodeClassRead_BadSpec_FailsNamingTheField(string spec, string message)
    {
        var error = Assert.Throws<ManifestException>(() => NodeClassManifestReader.Read(Document("NodeClass", "c", spec)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void PlacementPolicyRead_DesignsProductionPolicy_ReadsEveryField()
    {
        var document = Assert.Single(ManifestDocumentReader.ReadAll(RepositoryPaths.ReadExample("fleet", "production-policy.yaml")));

        var policy = PlacementPolicyManifestReader.Read(document);

        Assert.True(policy.Selector.Matches(new Dictionary<string, string> { ["env"] = "production" }));
        Assert.False(policy.Selector.Matches(new Dictionary<string, string> { ["env"] = "staging" }));
        Assert.Equal(2, policy.Requirements.MinRegions);
        Assert.Equal(["soc2"], policy.Requirements.Compliance);
        Assert.Equal(new FleetSpreadConstraint("region", 1), policy.Requirements.SpreadConstraint);
        Assert.Equal(
            [new PolicyPreference(50, PoolSortKey.Cost, SortOrder.Ascending), new PolicyPreference(30, PoolSortKey.AvailableCapacity, SortOrder.Descending)],
            policy.Preferences);
        Assert.Equal(new ClusterPolicy(3, 20, 0.8, new ConsolidationPolicy(true, 0.3)), policy.ClusterPolicy);
    }

    [Fact]
    public void PlacementPolicyRead_WithoutClusterPolicy_UsesTheDefault()
    {
        var policy = PlacementPolicyManifestReader.Read(Document("PlacementPolicy", "p", "spec: {selector: {}}"));

        Assert.Equal((ClusterPolicy.Default, PolicyRequirements.None), (policy.ClusterPolicy, policy.Requirements));
        Assert.Empty(policy.Preferences);
    }

    [Theory]
    [InlineData("spec: {requirements: {}}", "spec.selector: required field is missing")]
    [InlineData("spec: {selector: {}, requirements: {spreadConstraint: {topologyKey: zone, maxSkew: 1}}}",
        "spec.requirements.spreadConstraint.topologyKey: 'zone' is not a pool topology key; use one of region, pool, cluster")]
    [InlineData("spec: {selector: {}, preferences: [{weight: 10, preference: {sortBy: latency}}]}",
        "spec.preferences[0].preference.sortBy: 'latency' is not a pool measure; use cost or availableCapacity")]
    [InlineData("spec: {selector: {}, preferences: [{weight: 101, preference: {sortBy: cost}}]}",
        "spec.preferences[0].weight: 101 is above 100; give a weight from 1 to 100")]
    [InlineData("spec: {selector: {}, clusterPolicy: {minNodes: 5, maxNodes: 3}}",
        "spec.clusterPolicy.maxNodes: 3 is below minNodes 5; give a maxNodes of at least 5")]
    [InlineData("spec: {selector: {}, clusterPolicy: {binPackingThreshold: 1.5}}",
        "spec.clusterPolicy.binPackingThreshold: '1.5' is not a fraction from 0 to 1; write 80% as 0.8")]
    public void PlacementPolicyRead_BadSpec_FailsNamingTheField(string spec, string message)
    {
        var error = Assert.Throws<ManifestException>(() => PlacementPolicyManifestReader.Read(Document("PlacementPolicy", "p", spec)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WorkloadRead_DesignsApiGateway_ReadsPlacementAndDependencies()
    {
        var workload = Assert.Single(WorkloadManifestReader.ReadAll(RepositoryPaths.ReadExample("fleet", "api-gateway.yaml")));

        var placement = Assert.IsType<FleetPlacement>(workload.Placement);
        Assert.Equal("production", placement.Pools!.MatchLabels["tier"]);
        Assert.Equal(["us-east", "eu-west"], placement.RequiredRegions);
        Assert.Equal(["gdpr"], placement.Compliance);
        Assert.Equal(new FleetResources(2, 4), placement.Resources);
        Assert.Equal(10, placement.Latency["database"]);
        Assert.Equal([new WorkloadDependency("database", "Service", "outbound"), new WorkloadDependency("cache", "Service", "outbound")], workload.Dependencies);
        Assert.Equal((3, 10), (workload.ReplicaRange!.Min, workload.ReplicaRange.Max));
    }

    [Fact]
    public void WorkloadRead_WithoutPlacement_IsNotAFleetWorkload()
    {
        var workload = Assert.Single(WorkloadManifestReader.ReadAll(
            "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web}\nspec: {containers: [{name: main, command: [sleep, \"1\"]}]}"));

        Assert.Null(workload.Placement);
        Assert.Empty(workload.Dependencies);
    }
}
