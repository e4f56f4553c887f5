using Berth.Core.Resources;

namespace Berth.Core.Tests.Resources;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("500m", "0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("2Gi", "2147483648")]      // 2 × 1024³
    [InlineData("100M", "100000000")]      // 100 × 10⁶
    [InlineData("1e3", "1000")]
    [InlineData("1E-3", "0.001")]
    [InlineData("+1", "1")]
    [InlineData("1Ki", "1024")]
    [InlineData("1Ei", "1152921504606846976")] // 2⁶⁰
    [InlineData("1E", "1000000000000000000")]  // exa, not an exponent
    [InlineData("1.5e3", "1500")]
    [InlineData("250n", "0.00000025")]
    public void Parse_ReadsKubernetesNotation(string text, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Quantity.Parse(text).Amount);
    }

    [Theory]
    [InlineData("500m", 500)]
    [InlineData("1.5", 1500)]
    [InlineData("2", 2000)]
    [InlineData("0.1m", 1)]  // 0.1 milli rounds up to 1, as Kubernetes' MilliValue
    [InlineData("1n", 1)]    // 0.000001 milli rounds up to 1
    [InlineData("1E-3", 1)]
    public void MilliValue_RoundsUp(string text, long expected)
    {
        Assert.Equal(expected, Quantity.Parse(text).MilliValue);
    }

    [Theory]
    [InlineData("500m", 1)]  // 0.5 rounds up to 1
    [InlineData("1.5", 2)]
    [InlineData("2Gi", 2147483648)]
    [InlineData("100M", 100000000)]
    public void Value_RoundsUp(string text, long expected)
    {
        Assert.Equal(expected, Quantity.Parse(text).Value);
    }

    [Theory]
    [InlineData("", "empty quantity")]
    [InlineData("abc", "'abc' is not a quantity: it must start with a number")]
    [InlineData("1Zi", "'1Zi' has an unknown suffix 'Zi'")]
    [InlineData("1.2.3", "'1.2.3'")]
    [InlineData("1e99", "the exponent 'e99' must be e followed by an integer from -18 to 18")]
    public void TryParse_RejectsInvalidInput_WithMessage(string text, string expectedMessagePart)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Contains(expectedMessagePart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Throws_FormatException_NamingTheInput()
    {
        var e = Assert.Throws<FormatException>(() => Quantity.Parse("1Zi"));
        Assert.Contains("'1Zi'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RejectsNull()
    {
        Assert.False(Quantity.TryParse(null, out _, out var error));
        Assert.StartsWith("empty quantity", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_ComparesAmounts_NotNotation()
    {
        // 1000m, 1 and 1e0 are the same amount.
        Assert.Equal(Quantity.Parse("1"), Quantity.Parse("1000m"));
        Assert.Equal(0, Quantity.Parse("1e0").CompareTo(Quantity.Parse("1")));
        Assert.True(Quantity.Parse("1Ki").CompareTo(Quantity.Parse("1k")) > 0); // 1024 > 1000
    }

    [Fact]
    public void Add_SumsAmounts()
    {
        // 500m + 1.5 = 2
        Assert.Equal(2m, (Quantity.Parse("500m") + Quantity.Parse("1.5")).Amount);
    }

    [Theory]
    [InlineData("500m", "0.5")]
    [InlineData("1500m", "1.5")]
    [InlineData("2Ki", "2048")]
    [InlineData("1.50", "1.5")]
    public void ToString_WritesThePlainAmountWithoutTrailingZeros(string text, string expected)
    {
        Assert.Equal(expected, Quantity.Parse(text).ToString());
    }

    [Fact]
    public void MilliValueAndValue_HoldToTheRangeOfALong_InsteadOfOverflowing()
    {
        var huge = Quantity.Parse("100Ei");
        Assert.Equal(long.MaxValue, huge.MilliValue);
        Assert.Equal(long.MaxValue, huge.Value);
    }
}
