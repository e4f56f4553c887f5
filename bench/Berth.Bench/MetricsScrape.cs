using System.Globalization;

namespace Berth.Bench;

/// <summary>Reads a running server's Prometheus endpoint, for the runs that count what the server did.</summary>
internal static class MetricsScrape
{
    /// <summary>The <c>berth_*</c> samples of <c>/metrics</c>, by series (name and labels as written).</summary>
    public static async Task<Dictionary<string, double>> BerthSamplesAsync(HttpClient http)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await http.GetStringAsync("metrics")).Split('\n'))
        {
            int space = line.LastIndexOf(' ');
            if (line.StartsWith("berth_", StringComparison.Ordinal) && space > 0
                && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                samples[line[..space]] = value;
            }
        }
        return samples;
    }
}
