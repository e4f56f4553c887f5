using Berth.Cli.Commands.Client;
using Berth.Core.Resources;

namespace Berth.Cli.Tests;

public sealed class RenderTests
{
    [Theory]
    [InlineData("whole cores", "cpu", "4", "4")]
    [InlineData("half a core", "cpu", "0.5", "500m")]
    [InlineData("cores and a half", "cpu", "1.5", "1500m")]
    [InlineData("millicores", "cpu", "250m", "250m")]
    [InlineData("below a millicore rounds up", "cpu", "100u", "1m")]
    [InlineData("Gi", "memory", "8Gi", "8Gi")]
    [InlineData("Mi", "memory", "64Mi", "64Mi")]
    [InlineData("a Gi and a half in Mi", "memory", "1.5Gi", "1536Mi")]
    [InlineData("bytes given as a plain number", "memory", "67108864", "64Mi")]
    [InlineData("decimal suffix kept when exact", "memory", "100M", "100M")]
    [InlineData("inexact shown to one decimal", "memory", "16318928Ki", "15.6Gi")]
    [InlineData("below a Ki", "memory", "512", "512")]
    [InlineData("storage like memory", "ephemeral-storage", "20Gi", "20Gi")]
    [InlineData("hugepages like memory", "hugepages-2Mi", "2097152", "2Mi")]
    [InlineData("counts stay plain", "pods", "110", "110")]
    [InlineData("gpus stay plain", "nvidia.com/gpu", "2", "2")]
    public void Quantity_ForPeople(string _, string resource, string amount, string expected)
    {
        Assert.Equal(expected, Render.Quantity(resource, Quantity.Parse(amount)));
    }

    [Fact]
    public void Resources_EmptyList_None()
    {
        Assert.Equal(Render.None, Render.Resources(ResourceList.Empty));
    }
}
