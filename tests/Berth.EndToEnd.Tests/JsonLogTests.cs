using System.Net;
using System.Text;
using System.Text.Json;
using Berth.EndToEnd.Tests.Fixtures;

namespace Berth.EndToEnd.Tests;

/// <summary><c>berth server --log-format json</c>: one JSON object per log line, with the request's or the decision's correlation id.</summary>
public sealed class JsonLogTests
{
    private const string Manifest = """
        apiVersion: berth.dev/v1
        kind: Workload
        metadata: {name: web}
        spec:
          replicas: 1
          containers:
            - name: main
              command: [sleep, "60"]

        """;

    // The log lines that parse as JSON objects (the "listening on" lines are the command's own output, not log lines).
    private static List<JsonElement> JsonLines(BerthProcess process)
    {
        var lines = new List<JsonElement>();
        foreach (var line in process.Output.Split('\n'))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            try
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a log line (output of the command itself that happens to start with a brace).
            }
        }
        return lines;
    }

    private static string? ScopeValue(JsonElement line, string property)
    {
        if (!line.TryGetProperty("Scopes", out var scopes))
        {
            return null;
        }
        foreach (var scope in scopes.EnumerateArray())
        {
            if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(property, out var value))
            {
                return value.GetString();
            }
        }
        return null;
    }

    [Fact(Timeout = 60_000)]
    public async Task Apply_WithCorrelationIdHeader_LogsJsonLinesCarryingItAndEchoesIt()
    {
        var data = Directory.CreateTempSubdirectory("berth-e2e-jsonlog-").FullName;
        try
        {
            using var server = await ServerProcess.StartAsync(data, 0, ["--log-format", "json"]);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            string id = "apply-" + Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "v1/apply"))
            {
                Content = new StringContent(Manifest, Encoding.UTF8, "application/yaml"),
            };
            request.Headers.Add("X-Correlation-Id", id);

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
            // The request's completion line carries the caller's id.
            await Eventually.WaitAsync(() => JsonLines(server.Process).Exists(l => ScopeValue(l, "CorrelationId") == id),
                $"a JSON log line with CorrelationId {id}");
            var requestLine = JsonLines(server.Process).First(l => ScopeValue(l, "CorrelationId") == id);
            Assert.Equal("Berth.Server.Requests", requestLine.GetProperty("Category").GetString());
            Assert.Equal("Information", requestLine.GetProperty("LogLevel").GetString());
            Assert.Equal("/v1/apply", requestLine.GetProperty("State").GetProperty("Route").GetString());
            Assert.Equal(200, requestLine.GetProperty("State").GetProperty("StatusCode").GetInt32());
            // The placement decision on the workload (no node: unschedulable) logs under an id of its own.
            await Eventually.WaitAsync(() => JsonLines(server.Process).Exists(l => ScopeValue(l, "WorkloadId") == "default/web"),
                "a JSON log line of a decision on default/web");
            var decision = JsonLines(server.Process).First(l => ScopeValue(l, "WorkloadId") == "default/web");
            Assert.Matches("^[0-9a-f]{32}$", ScopeValue(decision, "CorrelationId"));
            Assert.Equal("Berth.Server.Reconciliation.Reconciler", decision.GetProperty("Category").GetString());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
