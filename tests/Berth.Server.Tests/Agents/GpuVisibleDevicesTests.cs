using Berth.Server.Agents;

namespace Berth.Server.Tests.Agents;

public class GpuVisibleDevicesTests
{
    [Fact]
    public void Apply_SetsBothVariables_ToTheDeviceList_OverridingTheWorkloads()
    {
        var env = new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "0,1,2,3", ["APP"] = "x" };
        GpuVisibleDevices.Apply(env, [1, 3]);
        Assert.Equal("1,3", env["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("1,3", env["NVIDIA_VISIBLE_DEVICES"]);
        Assert.Equal("x", env["APP"]);
    }

    [Fact]
    public void Apply_ChangesNothing_WithoutDevices()
    {
        var env = new Dictionary<string, string>();
        GpuVisibleDevices.Apply(env, []);
        Assert.Empty(env);
    }
}
