using Berth.Core.Manifests;
using Berth.Core.Specs;

namespace Berth.Core.Tests.Manifests;

public class PriorityClassReaderTests
{
    private static PriorityClass Read(string spec) => PriorityClassReader.Read(ManifestDocumentReader.ReadAll($"""
        apiVersion: berth.dev/v1
        kind: PriorityClass
        metadata: {"{"}name: high{"}"}
        spec: {spec}
        """)[0]);

    [Fact]
    public void Read_ReadsEveryField()
    {
        var c = Read("{value: 1000, globalDefault: true, preemptionPolicy: Never, description: pages someone}");

        Assert.Equal(new PriorityClass("high", 1000, true, PreemptionPolicy.Never, "pages someone"), c);
    }

    [Fact]
    public void Read_DefaultsToPreemptingNonDefaultClassWithoutDescription()
    {
        Assert.Equal(new PriorityClass("high", -5), Read("{value: -5}"));
    }

    [Theory]
    [InlineData("{}", "spec.value: required field is missing")]
    [InlineData("{value: high}", "spec.value: ")]
    [InlineData("{value: 1000000001}", "spec.value: 1000000001 is above 1000000000")]
    [InlineData("{value: 1, preemptionPolicy: Always}", "spec.preemptionPolicy: 'Always' is not valid; use one of PreemptLowerPriority, Never")]
    [InlineData("{value: 1, priority: 2}", "spec.priority: unknown field")]
    [InlineData("[1]", "spec: expected a mapping")]
    public void Read_Throws_WithFieldPath(string spec, string expectedStart)
    {
        var e = Assert.Throws<ManifestException>(() => Read(spec));

        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void ClassFor_NamedClass_ElseGlobalDefault_ElseNull()
    {
        PriorityClass[] classes = [new("low", 1), new("normal", 100, GlobalDefault: true)];

        Assert.Equal("low", PriorityAdmission.ClassFor("low", classes)!.Name);
        Assert.Equal("normal", PriorityAdmission.ClassFor(null, classes)!.Name);
        Assert.Null(PriorityAdmission.ClassFor("gold", classes));
        Assert.Null(PriorityAdmission.ClassFor(null, [new PriorityClass("low", 1)]));
    }

    [Fact]
    public void UnknownClass_NamesTheClassTheKnownOnesAndTheFix()
    {
        Assert.Equal("no priority class named 'gold' (there are a, b); create it first (kind PriorityClass) or name an existing one",
            PriorityAdmission.UnknownClass("gold", [new PriorityClass("b", 2), new PriorityClass("a", 1)]));
        Assert.StartsWith("no priority class named 'gold' (there are none)", PriorityAdmission.UnknownClass("gold", []), StringComparison.Ordinal);
    }
}
