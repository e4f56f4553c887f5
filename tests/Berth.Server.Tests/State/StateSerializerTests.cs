using System.Text;
using System.Text.Json.Nodes;
using Berth.Core.Labels;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.State;

public sealed class StateSerializerTests
{
    // Seeded, so a failing case replays.
    private const int Seed = 20260101;
    private const int Cases = 200;

    [Fact]
    public void WorkloadSpec_EveryField_RoundTrips()
    {
        var workload = StateFixtures.RichWorkload();
        DeepEqual.Assert(workload, StateSerializer.Deserialize<WorkloadSpec>(StateSerializer.Serialize(workload)));
    }

    [Fact]
    public void WorkloadSpec_Minimal_RoundTrips()
    {
        var workload = StateFixtures.Workload();
        DeepEqual.Assert(workload, StateSerializer.Deserialize<WorkloadSpec>(StateSerializer.Serialize(workload)));
    }

    [Fact]
    public void NodeRecord_RandomCases_RoundTrip()
    {
        var random = new Random(Seed);
        for (int i = 0; i < Cases; i++)
        {
            var node = new NodeRecord(
                new NodeSpec(
                    $"node-{i}",
                    new Dictionary<string, string> { ["zone"] = $"z{random.Next(3)}" },
                    random.Next(2) == 0 ? [] : [new Taint("gpu", "true", (TaintEffect)random.Next(3))],
                    ResourceList.From([KeyValuePair.Create(ResourceNames.Cpu, RandomQuantity(random)), KeyValuePair.Create(ResourceNames.Memory, RandomQuantity(random))]),
                    random.Next(2) == 0,
                    random.Next(2) == 0),
                new NodeStatus(random.Next(2) == 0, random.Next(4) == 0 ? null : StateFixtures.T0.AddMilliseconds(random.Next())));
            DeepEqual.Assert(node, StateSerializer.Deserialize<NodeRecord>(StateSerializer.Serialize(node)));
        }
    }

    [Fact]
    public void Assignment_RandomCases_RoundTrip()
    {
        var random = new Random(Seed);
        for (int i = 0; i < Cases; i++)
        {
            var assignment = new Assignment(
                new WorkloadKey("default", $"web-{random.Next(100)}"),
                random.Next(1000),
                $"node-{random.Next(50)}",
                random.NextInt64(1, long.MaxValue),
                ResourceList.From([KeyValuePair.Create(ResourceNames.Cpu, RandomQuantity(random)), KeyValuePair.Create(ResourceNames.Pods, new Quantity(1))]),
                [.. Enumerable.Range(0, random.Next(4))],
                $"score {random.Next(100)}; refused on 3 nodes: \"insufficient cpu\"",
                (AssignmentState)random.Next(4));
            DeepEqual.Assert(assignment, StateSerializer.Deserialize<Assignment>(StateSerializer.Serialize(assignment)));
        }
    }

    [Fact]
    public void RetryState_RandomCases_RoundTrip()
    {
        var random = new Random(Seed);
        for (int i = 0; i < Cases; i++)
        {
            var retry = new RetryState(
                new WorkloadKey($"ns{random.Next(5)}", "job"),
                random.Next(10),
                random.Next(100),
                random.Next(3) == 0 ? null : StateFixtures.T0.AddSeconds(random.Next()),
                random.Next(3) == 0 ? null : $"exit code {random.Next(256)}");
            DeepEqual.Assert(retry, StateSerializer.Deserialize<RetryState>(StateSerializer.Serialize(retry)));
        }
    }

    [Fact]
    public void ClusterEvent_RandomCases_RoundTrip()
    {
        var random = new Random(Seed);
        var types = Enum.GetValues<ClusterEventType>();
        for (int i = 0; i < Cases; i++)
        {
            var clusterEvent = new ClusterEvent(
                types[random.Next(types.Length)],
                $"default/web/{random.Next(9)}",
                "message with ünïcode and \"quotes\"",
                StateFixtures.T0.AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 365)).ToOffset(TimeSpan.FromHours(random.Next(-12, 13))),
                random.NextInt64(0, long.MaxValue));
            DeepEqual.Assert(clusterEvent, StateSerializer.Deserialize<ClusterEvent>(StateSerializer.Serialize(clusterEvent)));
        }
    }

    [Theory]
    [InlineData("millicores", "500m", "500m")]
    [InlineData("whole", "2", "2")]
    [InlineData("binary", "1536Mi", "1536Mi")]
    [InlineData("binary largest", "2048Mi", "2Gi")]
    [InlineData("decimal si", "100M", "100M")]
    [InlineData("fraction", "1.5", "1500m")]
    [InlineData("micro", "250u", "250u")]
    [InlineData("zero", "0", "0")]
    public void QuantityFormat_KubernetesSpelling(string name, string input, string expected)
    {
        Assert.NotNull(name);
        var formatted = QuantityJsonConverter.Format(Quantity.Parse(input));
        Assert.Equal(expected, formatted);
        Assert.Equal(Quantity.Parse(input), Quantity.Parse(formatted));
    }

    [Fact]
    public void Quantity_RandomAmounts_FormatParsesBackExactly()
    {
        var random = new Random(Seed);
        for (int i = 0; i < Cases * 5; i++)
        {
            var quantity = RandomQuantity(random);
            Assert.Equal(quantity, Quantity.Parse(QuantityJsonConverter.Format(quantity)));
        }
    }

    [Fact]
    public void Assignment_Json_HasStableCamelCaseFields()
    {
        var assignment = new Assignment(
            new WorkloadKey("default", "web"), 2, "node-1", 41,
            ResourceList.Parse((ResourceNames.Cpu, "500m"), (ResourceNames.Memory, "64Mi")),
            [0], "fits", AssignmentState.Running);
        var json = Encoding.UTF8.GetString(StateSerializer.Serialize(assignment));
        Assert.Equal(
            """{"workload":"default/web","replica":2,"node":"node-1","workloadRevision":41,"requests":{"cpu":"500m","memory":"64Mi"},"devices":[0],"explanation":"fits","state":"Running"}""",
            json);
    }

    [Fact]
    public void WorkloadWithGang_RoundTrips()
    {
        var workload = StateFixtures.Workload("train", replicas: 4) with { Gang = new GangPolicy(3, 45) };
        var json = StateSerializer.Serialize(workload);
        Assert.Contains("\"gang\":{\"minAvailable\":3,\"timeoutSeconds\":45}", Encoding.UTF8.GetString(json));
        Assert.Equal(new GangPolicy(3, 45), StateSerializer.Deserialize<WorkloadSpec>(json).Gang);
    }

    [Fact]
    public void WorkloadWithFleetPlacement_RoundTrips()
    {
        var placement = new FleetPlacement(LabelSelector.ForLabels(new Dictionary<string, string> { ["tier"] = "production" }),
            ["us-east", "eu-west"], ["gdpr"], new FleetResources(2, 4), new Dictionary<string, int> { ["database"] = 10 });
        var workload = StateFixtures.Workload("api", replicas: 3) with { Placement = placement, Dependencies = [new WorkloadDependency("database", "Service", "outbound")] };

        var read = StateSerializer.Deserialize<WorkloadSpec>(StateSerializer.Serialize(workload));

        Assert.Equal(["us-east", "eu-west"], read.Placement!.RequiredRegions);
        Assert.Equal((new FleetResources(2, 4), 10, "production"), (read.Placement.Resources, read.Placement.Latency["database"], read.Placement.Pools!.MatchLabels["tier"]));
        Assert.Equal([new WorkloadDependency("database", "Service", "outbound")], read.Dependencies);
    }

    [Fact]
    public void RecordsJson_FieldNames_AreStable()
    {
        Assert.Equal(["attempts", "lastError", "nextAttemptAt", "replica", "workload"], FieldNames(StateSerializer.Serialize(new RetryState(new("a", "b"), 0, 1, null, null))));
        Assert.Equal(["message", "revision", "subject", "time", "type"], FieldNames(StateSerializer.Serialize(new ClusterEvent(ClusterEventType.NodeLost, "n", "m", StateFixtures.T0))));
        Assert.Equal(["spec", "status"], FieldNames(StateSerializer.Serialize(StateFixtures.Node("n1"))));
        var workload = JsonNode.Parse(StateSerializer.Serialize(StateFixtures.RichWorkload()))!.AsObject();
        Assert.Equal(
            ["affinity", "containers", "dependencies", "desiredState", "gang", "initContainers", "labels", "name", "namespace", "nodeName", "nodeSelector", "overhead", "placement", "preemptionPolicy", "priority", "priorityClassName", "replicaRange", "replicas", "reservation", "restartPolicy", "retry", "tolerations", "topologySpreadConstraints"],
            workload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("OnFailure", workload["restartPolicy"]!.GetValue<string>());
        Assert.Equal("500m", workload["containers"]![0]!["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        // Derived properties are not stored.
        Assert.Null(workload["containers"]![0]!["resources"]!["effectiveRequests"]);
    }

    [Fact]
    public void Deserialize_BadQuantity_ThrowsWithKubernetesHint()
    {
        var json = """{"workload":"default/web","replica":0,"node":"n","workloadRevision":1,"requests":{"cpu":"lots"},"devices":[],"explanation":"","state":"Pending"}""";
        var error = Assert.Throws<System.Text.Json.JsonException>(() => StateSerializer.Deserialize<Assignment>(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("lots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeHeartbeat_RoundTrips_WithStableFieldNames()
    {
        var heartbeat = new NodeHeartbeat(StateFixtures.T0, StateFixtures.T0.AddSeconds(30));

        Assert.Equal(heartbeat, StateSerializer.Deserialize<NodeHeartbeat>(StateSerializer.Serialize(heartbeat)));
        Assert.Equal(["lostAt", "time"], FieldNames(StateSerializer.Serialize(heartbeat)));
    }

    private static string[] FieldNames(byte[] json) =>
        [.. JsonNode.Parse(json)!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    private static Quantity RandomQuantity(Random random) => random.Next(4) switch
    {
        0 => new Quantity(random.Next(0, 64_000) / 1000m),
        1 => new Quantity(random.Next(1, 512) * 1048576m),
        2 => new Quantity(random.NextInt64(0, 1L << 40)),
        _ => new Quantity(random.Next(1, 1000) / 1_000_000m),
    };
}
