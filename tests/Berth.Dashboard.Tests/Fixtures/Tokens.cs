namespace Berth.Dashboard.Tests.Fixtures;

/// <summary>Bearer tokens made with <c>berth token create</c> (berth dev runs in open mode: a call without a credential acts as admin).</summary>
internal static class Tokens
{
    /// <summary>Creates a token for <paramref name="user"/> holding <paramref name="role"/> everywhere; the token text.</summary>
    public static async Task<string> CreateAsync(DevCluster cluster, string user, string role)
    {
        var output = await cluster.BerthAsync("token", "create", "--user", user, "--role", role);
        var token = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("berth_", StringComparison.Ordinal));
        Assert.True(token is not null, $"berth token create printed no token:\n{output}");
        return token;
    }
}
