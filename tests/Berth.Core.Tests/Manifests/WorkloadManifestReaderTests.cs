using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class WorkloadManifestReaderTests
{
    /// <summary>The example of spec/manifests.md, verbatim.</summary>
    private const string SpecExample = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata:
          name: web                 # DNS-1123 label
          namespace: default        # default when omitted
          labels: {app: web, env: production}
        spec:
          replicas: 3               # fleet workloads may give {min: 3, max: 10}
          desiredState: Running     # Running | Stopped   (deleting sets Deleted)
          restartPolicy: Always     # Always | OnFailure | Never
          retry: {maxAttempts: 5}   # backoff 5 s doubling to 120 s between attempts
          containers:               # processes started together for each replica
            - name: main
              command: ["python3", "-m", "http.server", "8080"]
              args: []
              env: {GREETING: hello}
              workingDir: /srv/web
              resources:
                requests: {cpu: 100m, memory: 64Mi}
                limits: {memory: 128Mi}
          # placement: the same fields, names and meanings as spec/scenario.md
          nodeSelector: {}
          affinity: {}
          tolerations: []
          topologySpreadConstraints: []
          priorityClassName: ""
          # gang: {minAvailable: 4, timeoutSeconds: 60}        (policy issue)
          # placement: {pools: …, requiredRegions: …, compliance: …, latency: …}  (fleet issue)
        """;

    private const string Head = "apiVersion: berth.dev/v1\nkind: Workload\nmetadata: {name: web}\n";

    private static WorkloadSpec ReadOne(string text) => Assert.Single(WorkloadManifestReader.ReadAll(text));

    /// <summary>A minimal workload with <paramref name="specFields"/> added to its spec (flow-style YAML fields).</summary>
    private static string Spec(string specFields, string container = "{name: main, command: [sleep, '60']}") =>
        Head + $"spec: {{containers: [{container}]{(specFields.Length == 0 ? "" : ", " + specFields)}}}\n";

    [Fact]
    public void Read_Gang_GivesPolicy()
    {
        var spec = ReadOne(Spec("replicas: 8, gang: {minAvailable: 4, timeoutSeconds: 30}"));
        Assert.Equal(new GangPolicy(4, 30), spec.Gang);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.Gang!.Timeout);
    }

    [Fact]
    public void Read_GangWithoutTimeout_DefaultsTo60Seconds()
    {
        var spec = ReadOne(Spec("replicas: 2, gang: {minAvailable: 2}"));
        Assert.Equal(new GangPolicy(2, GangPolicy.DefaultTimeoutSeconds), spec.Gang);
    }

    [Fact]
    public void Read_NoGang_GivesNull() => Assert.Null(ReadOne(Spec("")).Gang);

    [Fact]
    public void Read_SpecExample_GivesExpectedSpec()
    {
        var spec = ReadOne(SpecExample);
        Assert.Equal("web", spec.Name);
        Assert.Equal("default", spec.Namespace);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["env"] = "production" }, spec.Labels);
        Assert.Equal(3, spec.Replicas);
        Assert.Null(spec.ReplicaRange);
        Assert.Equal(DesiredState.Running, spec.DesiredState);
        Assert.Equal(RestartPolicy.Always, spec.RestartPolicy);
        Assert.Equal(5, spec.Retry.MaxAttempts);
        var main = Assert.Single(spec.Containers);
        Assert.Equal("main", main.Name);
        Assert.Equal(["python3", "-m", "http.server", "8080"], main.Command);
        Assert.Empty(main.Args);
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hello" }, main.Env);
        Assert.Equal("/srv/web", main.WorkingDir);
        Assert.Equal(100, main.Resources.Requests.Units("cpu"));
        Assert.Equal(64L * 1024 * 1024, main.Resources.Requests.Units("memory"));
        Assert.Equal(128L * 1024 * 1024, main.Resources.Limits.Units("memory"));
        Assert.Empty(spec.NodeSelector);
        Assert.Equal(Affinity.None, spec.Affinity);
        Assert.Empty(spec.Tolerations);
        Assert.Empty(spec.TopologySpreadConstraints);
        Assert.Null(spec.PriorityClassName);
        Assert.Empty(spec.InitContainers);
        Assert.Null(spec.NodeName);
    }

    [Fact]
    public void Read_Minimal_AppliesDefaults()
    {
        var spec = ReadOne(Spec(""));
        Assert.Equal(1, spec.Replicas);
        Assert.Equal(RestartPolicy.Always, spec.RestartPolicy);
        Assert.Equal(DesiredState.Running, spec.DesiredState);
        Assert.Equal(RetryPolicy.Default, spec.Retry);
        Assert.Null(spec.ReplicaRange);
        Assert.Equal("default", spec.Namespace);
    }

    [Fact]
    public void Read_ReplicaRange_StartsAtMin()
    {
        var spec = ReadOne(Spec("replicas: {min: 3, max: 10}"));
        Assert.Equal(new ReplicaRange(3, 10), spec.ReplicaRange);
        Assert.Equal(3, spec.Replicas);
    }

    [Fact]
    public void Read_ReadsStateRestartRetryAndPlacement()
    {
        var spec = ReadOne(Spec(
            "desiredState: Stopped, restartPolicy: OnFailure, retry: {maxAttempts: 100}, priorityClassName: high, nodeSelector: {disk: ssd}, "
            + "tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}], "
            + "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}], "
            + "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}"));
        Assert.Equal(DesiredState.Stopped, spec.DesiredState);
        Assert.Equal(RestartPolicy.OnFailure, spec.RestartPolicy);
        Assert.Equal(100, spec.Retry.MaxAttempts);
        Assert.Equal("high", spec.PriorityClassName);
        Assert.Equal("ssd", spec.NodeSelector["disk"]);
        Assert.Equal("gpu", Assert.Single(spec.Tolerations).Key);
        Assert.Equal("zone", Assert.Single(spec.TopologySpreadConstraints).TopologyKey);
        Assert.NotEqual(Affinity.None, spec.Affinity);
    }

    [Theory]
    [InlineData("negative replicas", "replicas: -1", "spec.replicas: -1 is negative; replicas must be zero or more")]
    [InlineData("replicas not a number", "replicas: many", "spec.replicas: 'many' is not an integer from -2147483648 to 2147483647")]
    [InlineData("range max below min", "replicas: {min: 5, max: 2}", "spec.replicas.max: 2 is less than min 5; give 0 <= min <= max")]
    [InlineData("range negative min", "replicas: {min: -1, max: 2}", "spec.replicas.min: -1 is negative; replicas must be zero or more")]
    [InlineData("range missing max", "replicas: {min: 1}", "spec.replicas.max: required field is missing")]
    [InlineData("range unknown field", "replicas: {min: 1, max: 2, step: 1}", "spec.replicas.step: unknown field")]
    [InlineData("unknown desired state", "desiredState: Paused", "spec.desiredState: 'Paused' is not valid; use Running or Stopped")]
    [InlineData("deleted desired state", "desiredState: Deleted",
        "spec.desiredState: 'Deleted' cannot be applied; delete the workload with berth delete, or use Running or Stopped")]
    [InlineData("unknown restart policy", "restartPolicy: Sometimes", "spec.restartPolicy: 'Sometimes' is not valid; use one of Always, OnFailure, Never")]
    [InlineData("zero attempts", "retry: {maxAttempts: 0}", "spec.retry.maxAttempts: 0 is out of range; use 1 to 100")]
    [InlineData("too many attempts", "retry: {maxAttempts: 101}", "spec.retry.maxAttempts: 101 is out of range; use 1 to 100")]
    [InlineData("unknown retry field", "retry: {backoff: 5}", "spec.retry.backoff: unknown field")]
    [InlineData("unknown spec field", "replica: 3", "spec.replica: unknown field")]
    [InlineData("gang above replicas", "replicas: 3, gang: {minAvailable: 4, timeoutSeconds: 60}",
        "spec.gang.minAvailable: 4 is more than the workload's 3 replica(s); use 1 to 3, or raise replicas")]
    [InlineData("gang zero", "replicas: 3, gang: {minAvailable: 0}", "spec.gang.minAvailable: 0 is less than 1; a gang needs at least one replica")]
    [InlineData("gang missing min", "gang: {timeoutSeconds: 5}", "spec.gang.minAvailable: required field is missing")]
    [InlineData("gang zero timeout", "gang: {minAvailable: 1, timeoutSeconds: 0}",
        "spec.gang.timeoutSeconds: 0 is not more than 0; give the seconds a partial gang may hold its replicas, e.g. 60")]
    [InlineData("gang unknown field", "gang: {minAvailable: 1, minMember: 1}", "spec.gang.minMember: unknown field")]
    [InlineData("placement pools not a selector", "placement: {pools: [a]}", "spec.placement.pools: expected a mapping ({key: value, …}), found a list")]
    [InlineData("latency to no dependency", "placement: {latency: {database: {maxMs: 10}}}",
        "spec.placement.latency.database: 'database' is not one of the workload's dependencies; add it under spec.dependencies or remove the bound")]
    [InlineData("dependency direction", "dependencies: {database: {direction: sideways}}",
        "spec.dependencies.database.direction: 'sideways' is not a direction; use one of outbound, inbound, both")]
    [InlineData("bad node selector", "nodeSelector: {'a b': x}",
        "spec.nodeSelector.a b: 'a b' is not a valid label key: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a prefix such as example.com/")]
    [InlineData("bad toleration", "tolerations: [{key: gpu, operator: Maybe}]",
        "spec.tolerations[0].operator: 'Maybe' is not valid; use one of Equal, Exists")]
    [InlineData("unknown affinity field", "affinity: {nodeAfinity: {}}", "spec.affinity.nodeAfinity: unknown field")]
    [InlineData("bad priority class", "priorityClassName: High_Prio",
        "spec.priorityClassName: 'High_Prio' is not a valid name: use lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit (DNS-1123 subdomain)")]
    public void Read_Throws_WithPath(string name, string specFields, string message)
    {
        _ = name;
        var e = Assert.Throws<ManifestException>(() => ReadOne(Spec(specFields)));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("missing name", "{command: [sleep]}", "spec.containers[0].name: required field is missing")]
    [InlineData("bad name", "{name: Main, command: [sleep]}",
        "spec.containers[0].name: 'Main' is not a valid name: use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)")]
    [InlineData("duplicate name", "{name: a, command: [sleep]}, {name: a, command: [sleep]}",
        "spec.containers[1].name: 'a' is used by another container; names must be unique")]
    [InlineData("missing command", "{name: main}", "spec.containers[0].command: required field is missing")]
    [InlineData("empty command", "{name: main, command: []}",
        "spec.containers[0].command: is empty; give the program and its arguments, e.g. [python3, -m, http.server, \"8080\"]")]
    [InlineData("empty program", "{name: main, command: ['']}", "spec.containers[0].command[0]: the program must not be empty")]
    [InlineData("command not a list", "{name: main, command: sleep}", "spec.containers[0].command: expected a list ([…]), found 'sleep'")]
    [InlineData("env not a map", "{name: main, command: [sleep], env: [A]}", "spec.containers[0].env: expected a mapping ({key: value, …}), found a list")]
    [InlineData("env value not a string", "{name: main, command: [sleep], env: {A: {b: c}}}", "spec.containers[0].env.A: expected a value, found a mapping")]
    [InlineData("flat requests", "{name: main, command: [sleep], requests: {cpu: 1}}", "spec.containers[0].requests: unknown field")]
    [InlineData("bad quantity", "{name: main, command: [sleep], resources: {requests: {cpu: 2x}}}",
        "spec.containers[0].resources.requests.cpu: '2x' has an unknown suffix 'x': use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3")]
    [InlineData("request above limit", "{name: main, command: [sleep], resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}",
        "spec.containers[0].resources.requests.memory: request 2147483648 is greater than the limit 1073741824; a request must be less than or equal to its limit")]
    [InlineData("unknown resources field", "{name: main, command: [sleep], resources: {request: {}}}", "spec.containers[0].resources.request: unknown field")]
    [InlineData("unknown container field", "{name: main, command: [sleep], image: nginx}", "spec.containers[0].image: unknown field")]
    public void Read_Throws_WithContainerPath(string name, string containers, string message)
    {
        _ = name;
        var e = Assert.Throws<ManifestException>(() => ReadOne(Spec("", containers)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Read_Throws_WhenContainersMissingOrEmpty()
    {
        var missing = Assert.Throws<ManifestException>(() => ReadOne(Head + "spec: {replicas: 1}\n"));
        Assert.Equal("spec.containers: required field is missing", missing.Message);
        var empty = Assert.Throws<ManifestException>(() => ReadOne(Head + "spec: {containers: []}\n"));
        Assert.Equal("spec.containers: no containers; give at least one, e.g. [{name: main, command: [sleep, \"3600\"]}]", empty.Message);
    }

    [Fact]
    public void ReadAll_PrefixesPathWithDocumentIndex()
    {
        var text = Spec("") + "---\n" + Spec("", "{name: main, command: [sleep], resources: {requests: {cpu: 2x}}}").Replace("name: web", "name: api", StringComparison.Ordinal);
        var e = Assert.Throws<ManifestException>(() => WorkloadManifestReader.ReadAll(text));
        Assert.Equal("[1].spec.containers[0].resources.requests.cpu: '2x' has an unknown suffix 'x': use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3", e.Message);
        Assert.Equal("[1].spec.containers[0].resources.requests.cpu", e.Path);
    }

    [Fact]
    public void ReadAll_ReadsSeveralWorkloads()
    {
        var specs = WorkloadManifestReader.ReadAll(Spec("replicas: 2") + "---\n" + Spec("replicas: 0").Replace("name: web", "name: api", StringComparison.Ordinal));
        Assert.Equal([("web", 2), ("api", 0)], specs.Select(s => (s.Name, s.Replicas)));
    }

    [Fact]
    public void ReadAll_ReadsJson()
    {
        var spec = Assert.Single(WorkloadManifestReader.ReadAll(
            """
            {"apiVersion": "berth.dev/v1", "kind": "Workload",
             "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
             "spec": {"replicas": {"min": 1, "max": 4}, "restartPolicy": "Never",
                      "containers": [{"name": "main", "command": ["sleep", "60"], "env": {"A": "1"},
                                      "resources": {"requests": {"cpu": "250m"}}}]}}
            """));
        Assert.Equal("shop/web", spec.Key);
        Assert.Equal(new ReplicaRange(1, 4), spec.ReplicaRange);
        Assert.Equal(RestartPolicy.Never, spec.RestartPolicy);
        Assert.Equal("1", spec.Containers[0].Env["A"]);
        Assert.Equal(250, spec.Containers[0].Resources.Requests.Units("cpu"));
    }

    [Fact]
    public void ReadAll_JsonArrayErrorsCarryIndex()
    {
        var e = Assert.Throws<ManifestException>(() => WorkloadManifestReader.ReadAll(
            """
            [{"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "main", "command": ["sleep"]}]}},
             {"apiVersion": "berth.dev/v1", "kind": "Workload", "metadata": {"name": "api"}, "spec": {"replicas": -2, "containers": [{"name": "main", "command": ["sleep"]}]}}]
            """));
        Assert.Equal("[1].spec.replicas: -2 is negative; replicas must be zero or more", e.Message);
    }
}
