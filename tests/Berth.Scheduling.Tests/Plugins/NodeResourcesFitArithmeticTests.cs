using Berth.Scheduling.Plugins;

namespace Berth.Scheduling.Tests.Plugins;

/// <summary>The fast arithmetic of NodeResourcesFit scores equals Kubernetes' integer division on every input tried.</summary>
public class NodeResourcesFitArithmeticTests
{
    private static IEnumerable<(long Allocatable, long Requested)> Inputs()
    {
        var random = new Random(20261123);
        long[] allocatables = [1, 3, 7, 100, 4000, 3999, 32L << 30, (32L << 30) - 1, 1000_000_007, (1L << 46) - 1];
        foreach (long a in allocatables)
        {
            foreach (long r in new[] { 0, 1, a / 3, a / 2, a - 1, a })
            {
                if (r >= 0 && r <= a)
                {
                    yield return (a, r);
                }
            }
        }
        for (int i = 0; i < 200_000; i++)
        {
            long a = 1 + (long)(random.NextDouble() * ((1L << 46) - 2));
            if (i % 2 == 0)
            {
                a = 1 + random.NextInt64(1 << 20);
            }
            yield return (a, random.NextInt64(a + 1));
        }
        // Exact multiples: the quotient is an integer, where a rounded product is most likely to fall just below it.
        for (long a = 1; a <= 5000; a++)
        {
            for (int k = 0; k <= 100; k += 7)
            {
                if (a * k % 100 == 0)
                {
                    yield return (a, a - a * k / 100);
                }
            }
        }
    }

    [Fact]
    public void LeastRequested_EqualsIntegerDivision()
    {
        foreach (var (a, r) in Inputs())
        {
            long expected = (a - r) * 100 / a;
            Assert.True(expected == NodeResourcesFit.LeastRequested(a, r, 1.0 / a), $"allocatable {a}, requested {r}");
        }
    }

    [Fact]
    public void ExactDivide_EqualsIntegerDivision()
    {
        foreach (var (a, r) in Inputs())
        {
            long x = (a - r) * 100;
            Assert.True(x / a == NodeResourcesFit.ExactDivide(x, a), $"allocatable {a}, requested {r}");
        }
    }
}
