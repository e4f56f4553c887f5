namespace Berth.Agent.Tests;

/// <summary>Measuring the machine and overriding it.</summary>
public sealed class MachineCapacityTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "berth-meminfo-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void ReadMemTotal_KernelFormat_ReturnsBytes()
    {
        File.WriteAllText(_file, "MemTotal:       16318480 kB\nMemFree:         1234 kB\n");

        Assert.Equal(16318480L * 1024, MachineCapacity.ReadMemTotal(_file));
    }

    [Fact]
    public void ReadMemTotal_MissingFile_ReturnsNull() => Assert.Null(MachineCapacity.ReadMemTotal(_file));

    [Fact]
    public void Detect_NoOverrides_UsesProcessorsMemoryAndDefaultPods()
    {
        File.WriteAllText(_file, "MemTotal: 1024 kB\n");

        var capacity = MachineCapacity.Detect(null, _file);

        Assert.Equal(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), capacity["cpu"]);
        Assert.Equal("1048576", capacity["memory"]);
        Assert.Equal("110", capacity["pods"]);
    }

    [Fact]
    public void Detect_Overrides_ReplaceMeasured()
    {
        var capacity = MachineCapacity.Detect(new Dictionary<string, string> { ["cpu"] = "4", ["memory"] = "8Gi" }, _file);

        Assert.Equal("4", capacity["cpu"]);
        Assert.Equal("8Gi", capacity["memory"]);
        Assert.Equal("110", capacity["pods"]);
    }

    [Fact]
    public void Detect_InvalidOverride_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => MachineCapacity.Detect(new Dictionary<string, string> { ["memory"] = "lots" }, _file));

        Assert.StartsWith("--capacity memory=lots is not a valid quantity", e.Message, StringComparison.Ordinal);
    }
}
