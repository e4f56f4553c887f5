namespace Berth.EndToEnd.Tests.Fixtures;

/// <summary>
/// Workload manifests whose replicas are small shell processes that leave evidence: each start appends
/// "<c>pid node</c>" to <c>{workDirectory}/{name}-{replica}</c>, so a test sees that a process really ran, where,
/// and how many times it was started.
/// </summary>
internal static class Workloads
{
    /// <summary>A replica that records its start and then sleeps (long enough for any test; killed at the end anyway).</summary>
    public static string Sleeper(string name, int replicas, string workDirectory, bool spreadOverZones = false) =>
        Manifest(name, replicas, workDirectory, "exec sleep 300", maxAttempts: 5, spreadOverZones);

    /// <summary>A replica that records its start and exits with code 3.</summary>
    public static string Crasher(string name, string workDirectory, int maxAttempts) =>
        Manifest(name, 1, workDirectory, "exit 3", maxAttempts, spreadOverZones: false);

    private static string Manifest(string name, int replicas, string workDirectory, string then, int maxAttempts, bool spreadOverZones)
    {
        var spread = spreadOverZones
            ? $$"""
                topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector: {matchLabels: {app: {{name}}} }
              """
            : "";
        return $$"""
            apiVersion: berth.dev/v1
            kind: Workload
            metadata:
              name: {{name}}
              labels: {app: {{name}}}
            spec:
              replicas: {{replicas}}
              restartPolicy: Always
              retry: {maxAttempts: {{maxAttempts}}}
              containers:
                - name: main
                  command: ["sh", "-c"]
                  args:
                    - 'echo "$$ $BERTH_NODE" >> "$OUT/{{name}}-$BERTH_REPLICA"; {{then}}'
                  env: {OUT: "{{workDirectory}}"}
                  resources:
                    requests: {cpu: 10m, memory: 8Mi}
            {{spread}}
            """;
    }
}
