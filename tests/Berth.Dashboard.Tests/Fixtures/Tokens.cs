using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>Bearer tokens created through <c>POST /v1/tokens</c> (berth dev runs in open mode: a call without a credential acts as admin).</summary>
internal static class Tokens
{
    /// <summary>Creates a token for <paramref name="user"/> holding <paramref name="role"/> everywhere; the token text.</summary>
    public static async Task<string> CreateAsync(HttpClient http, string user, string role)
    {
        using var response = await http.PostAsJsonAsync("v1/tokens", new { user, role });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/tokens answered {(int)response.StatusCode}: {body}");
        return (string)JsonNode.Parse(body)!["token"]!;
    }
}
