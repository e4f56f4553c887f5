using Berth.Core.Resources;

namespace Berth.Core.Tests.Resources;

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("memory")]
    [InlineData("ephemeral-storage")]
    [InlineData("pods")]
    [InlineData("hugepages-2Mi")]
    [InlineData("hugepages-1Gi")]
    [InlineData("nvidia.com/gpu")]
    [InlineData("foo.com/bar-1")]
    public void Validate_AcceptsKnownAndExtendedNames(string name)
    {
        Assert.Null(ResourceNames.Validate(name));
    }

    [Theory]
    [InlineData("gpu", "unknown resource 'gpu'")]
    [InlineData("/gpu", "unknown resource '/gpu'")]
    [InlineData("nvidia.com/", "unknown resource 'nvidia.com/'")]
    [InlineData("a/b/c", "unknown resource 'a/b/c'")]
    [InlineData("hugepages-big", "'hugepages-big' is not a huge-page size")]
    public void Validate_RejectsBadNames_WithMessage(string name, string expectedMessagePart)
    {
        var error = ResourceNames.Validate(name);
        Assert.NotNull(error);
        Assert.Contains(expectedMessagePart, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu", true)]
    [InlineData("nvidia.com/gpu", true)]
    [InlineData("memory", false)]
    [InlineData("pods", false)]
    [InlineData("foo.com/bar", false)]
    public void IsCountedInMilli_OnlyForCpuAndGpus(string name, bool expected)
    {
        Assert.Equal(expected, ResourceNames.IsCountedInMilli(name));
    }

    [Theory]
    [InlineData("cpu", "500m", 500)]
    [InlineData("cpu", "2", 2000)]
    [InlineData("nvidia.com/gpu", "1", 1000)]      // one device = 1000 thousandths
    [InlineData("nvidia.com/gpu", "500m", 500)]    // half a device
    [InlineData("memory", "1Gi", 1073741824)]      // bytes
    [InlineData("memory", "0.5", 1)]               // whole units round up
    [InlineData("pods", "110", 110)]
    [InlineData("foo.com/bar", "3", 3)]
    public void ToSchedulingUnits_UsesMilliForCpuAndGpus_WholeUnitsOtherwise(string name, string amount, long expected)
    {
        Assert.Equal(expected, ResourceNames.ToSchedulingUnits(name, Quantity.Parse(amount)));
    }

    [Theory]
    [InlineData("cpu", false)]
    [InlineData("memory", false)]
    [InlineData("ephemeral-storage", false)]
    [InlineData("pods", false)]
    [InlineData("nvidia.com/gpu", true)]
    [InlineData("hugepages-2Mi", true)]
    public void IsScalar_IsTrueOutsideTheFourStandardResources(string name, bool expected)
    {
        Assert.Equal(expected, ResourceNames.IsScalar(name));
    }
}
