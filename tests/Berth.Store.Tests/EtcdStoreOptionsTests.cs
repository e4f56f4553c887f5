using Berth.Store.Etcd;

namespace Berth.Store.Tests;

/// <summary>Reading <c>--store etcd://…</c> addresses; needs no etcd.</summary>
public sealed class EtcdStoreOptionsTests
{
    public static TheoryData<string, string, string[]> ValidAddresses => new()
    {
        { "one endpoint", "etcd://127.0.0.1:2379", ["127.0.0.1:2379"] },
        { "several endpoints", "etcd://h1:2379,h2:22379", ["h1:2379", "h2:22379"] },
        { "default port", "etcd://etcd.internal", ["etcd.internal:2379"] },
        { "spaces around commas", "etcd://h1:1, h2:2", ["h1:1", "h2:2"] },
        { "IPv6 with port", "etcd://[::1]:2379", ["[::1]:2379"] },
        { "IPv6 without port", "etcd://[fd00::2]", ["[fd00::2]:2379"] },
        { "scheme in capitals", "ETCD://h1:2379", ["h1:2379"] },
    };

    [Theory]
    [MemberData(nameof(ValidAddresses))]
    public void Parse_ValidAddress_ReturnsEndpointsWithPorts(string name, string address, string[] expected)
    {
        var options = EtcdStoreOptions.Parse(address);

        Assert.True(expected.SequenceEqual(options.Endpoints), $"case '{name}': got {string.Join(",", options.Endpoints)}");
    }

    public static TheoryData<string, string, string> InvalidAddresses => new()
    {
        { "file path", "/var/lib/berth/berth.db", "must start with etcd://" },
        { "http scheme", "http://127.0.0.1:2379", "must start with etcd://" },
        { "no endpoint", "etcd://", "an endpoint is empty" },
        { "trailing comma", "etcd://h1:2379,", "an endpoint is empty" },
        { "port not a number", "etcd://h1:abc", "has port \"abc\"" },
        { "port out of range", "etcd://h1:70000", "has port \"70000\"" },
        { "path after host", "etcd://h1/x:2379", "has no valid host" },
        { "unclosed IPv6", "etcd://[::1:2379", "does not close" },
    };

    [Theory]
    [MemberData(nameof(InvalidAddresses))]
    public void Parse_InvalidAddress_ThrowsNamingValueAndExpectedForm(string name, string address, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => EtcdStoreOptions.Parse(address));

        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), $"case '{name}': {error.Message}");
        Assert.Contains($"\"{address}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("etcd://host:port", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etcd://h:2379", true)]
    [InlineData("berth.db", false)]
    [InlineData(null, false)]
    public void IsEtcdAddress_Value_TellsEtcdFromFile(string? store, bool expected) =>
        Assert.Equal(expected, EtcdStoreOptions.IsEtcdAddress(store));

    [Fact]
    public void Create_ZeroRequestTimeout_ThrowsNamingTheSetting()
    {
        var options = EtcdStoreOptions.Parse("etcd://127.0.0.1:2379") with { RequestTimeout = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EtcdStore.Create(options));

        Assert.Contains("EtcdStoreOptions.RequestTimeout", error.Message, StringComparison.Ordinal);
    }
}
