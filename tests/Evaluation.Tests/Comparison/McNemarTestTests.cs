using System.Numerics;
using SENet.Evaluation.Comparison;

namespace SENet.Evaluation.Tests.Comparison;

public sealed class McNemarTestTests
{
    /// <summary>The exact two-sided p in whole numbers: 2 · Σ_{i ≤ min(b, c)} C(b + c, i) / 2^(b + c), capped at 1.</summary>
    private static double ExactByIntegers(int b, int c)
    {
        var m = b + c;
        if (m == 0)
        {
            return 1;
        }

        var tail = BigInteger.Zero;
        var binomial = BigInteger.One;
        for (var i = 0; i <= Math.Min(b, c); i++)
        {
            tail += binomial;
            binomial = binomial * (m - i) / (i + 1);
        }

        var numerator = 2 * tail;
        var denominator = BigInteger.Pow(2, m);
        return numerator >= denominator ? 1.0 : Math.Exp(BigInteger.Log(numerator) - BigInteger.Log(denominator));
    }

    [Theory]
    [InlineData(3, 12)]
    [InlineData(12, 3)]
    [InlineData(0, 5)]
    [InlineData(0, 1)]
    [InlineData(10, 10)]
    [InlineData(10, 11)]
    [InlineData(40, 65)]
    [InlineData(250, 310)]
    [InlineData(900, 1100)]
    public void MatchesTheBinomialTailComputedInWholeNumbers(int b, int c)
    {
        var expected = ExactByIntegers(b, c);

        var p = McNemarTest.ExactTwoSidedP(b, c);

        Assert.True(Math.Abs(p - expected) <= 1e-9 * expected, $"p {p} against {expected}");
    }

    [Fact]
    public void KnownSmallCase()
    {
        // b = 3, c = 12, m = 15: P(X ≤ 3) = (1 + 15 + 105 + 455) / 32768 = 576 / 32768; two-sided 1152 / 32768.
        Assert.Equal(1152.0 / 32768, McNemarTest.ExactTwoSidedP(3, 12), 12);
        Assert.Equal(1.0, McNemarTest.ExactTwoSidedP(0, 0));
    }

    [Fact]
    public void ManyDiscordantImagesStayFiniteAndTiny()
    {
        var p = McNemarTest.ExactTwoSidedP(20_000, 24_000);

        Assert.True(p > 0 && p < 1e-30, $"p {p}");
        Assert.Equal(McNemarTest.ExactTwoSidedP(24_000, 20_000), p);
    }
}
