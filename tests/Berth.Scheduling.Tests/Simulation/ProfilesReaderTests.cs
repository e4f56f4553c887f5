using Berth.Core.Manifests;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;

namespace Berth.Scheduling.Tests.Simulation;

public class ProfilesReaderTests
{
    private const string Profiles = """
        profiles:
          - name: pack-first
            base: binpack
            tiebreak: first
          - name: packed-and-seeded
            base: pack-first
            seed: 9
          - name: fit-only
            filters: [NodeResourcesFit]
            scores: [{name: NodeResourcesFit, weight: 2}]
            postFilters: []
        """;

    [Fact]
    public void Read_StartsEachProfileFromItsBase_AndAppliesItsFields()
    {
        var profiles = ProfilesReader.Read(Profiles);
        var packFirst = profiles["pack-first"];
        Assert.Equal("pack-first", packFirst.Name);
        Assert.Equal(Tiebreak.First, packFirst.Tiebreak);
        Assert.Equal(BuiltInProfiles.BinPack.Scores, packFirst.Scores);

        var seeded = profiles["packed-and-seeded"];
        Assert.Equal(9, seeded.Seed);
        Assert.Equal(Tiebreak.First, seeded.Tiebreak);

        var fitOnly = profiles["fit-only"];
        Assert.Equal([NodeResourcesFit.Name], fitOnly.Filters.Select(f => f.Name));
        Assert.Equal(2, Assert.Single(fitOnly.Scores).Weight);
        Assert.Empty(fitOnly.PostFilters);
    }

    [Fact]
    public void ScenarioReader_UsesACustomProfileByName()
    {
        var profiles = ProfilesReader.Read(Profiles);
        var scenario = ScenarioReader.Read("""
            profile: {name: fit-only, seed: 3}
            nodes: [{name: n1, allocatable: {cpu: "1"}}]
            workloads: [{name: w}]
            """, profiles: profiles);
        Assert.Equal("fit-only", scenario.Profile.Name);
        Assert.Equal(3, scenario.Profile.Seed);
    }

    [Theory]
    [InlineData("profiles: [{name: binpack}]", "profiles[0].name: 'binpack' is a built-in profile")]
    [InlineData("profiles: [{name: a}, {name: a}]", "profiles[1].name: profile 'a' is defined twice")]
    [InlineData("profiles: [{name: a, base: nope}]", "profiles[0].base: unknown profile 'nope'")]
    [InlineData("profiles: [{name: a, scores: [{name: NoSuchPlugin, weight: 1}]}]", "profiles[0].scores[0]")]
    [InlineData("profiles: [{name: a, colour: blue}]", "profiles[0].colour: unknown field")]
    [InlineData("profile: []", "profile: unknown field")]
    public void Read_RejectsBadFiles_NamingTheFieldPath(string text, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => ProfilesReader.Read(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScenarioReader_SuggestsAProfilesFile_ForAnUnknownName()
    {
        var error = Assert.Throws<ManifestException>(() => ScenarioReader.Read("""
            profile: {name: pack-first}
            nodes: [{name: n1}]
            workloads: []
            """));
        Assert.Contains("profile.name: unknown profile 'pack-first'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--profiles", error.Message, StringComparison.Ordinal);
    }
}
