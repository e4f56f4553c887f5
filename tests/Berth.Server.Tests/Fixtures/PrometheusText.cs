using System.Globalization;

namespace Berth.Server.Tests.Fixtures;

/// <summary>The samples of a Prometheus text exposition, by series (<c>name{labels}</c> exactly as written), plus its HELP lines.</summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _help = new(StringComparer.Ordinal);

    private PrometheusText(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                int space = rest.IndexOf(' ');
                _help[space < 0 ? rest : rest[..space]] = space < 0 ? "" : rest[(space + 1)..];
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                int space = line.LastIndexOf(' ');
                _samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }

    public string Text { get; }

    /// <summary>Metric names with a HELP line.</summary>
    public IReadOnlyDictionary<string, string> Help => _help;

    /// <summary>Every series.</summary>
    public IReadOnlyDictionary<string, double> Samples => _samples;

    public static PrometheusText Parse(string text) => new(text);

    /// <summary>The value of <paramref name="series"/>, or null when absent.</summary>
    public double? this[string series] => _samples.TryGetValue(series, out var value) ? value : null;

    /// <summary>The sum over every series of <paramref name="name"/> whose labels contain each of <paramref name="labels"/> (<c>key="value"</c>).</summary>
    public double Sum(string name, params string[] labels)
    {
        double sum = 0;
        foreach (var (series, value) in _samples)
        {
            bool sameName = series == name || series.StartsWith(name + "{", StringComparison.Ordinal);
            if (sameName && labels.All(l => series.Contains(l, StringComparison.Ordinal)))
            {
                sum += value;
            }
        }
        return sum;
    }

    public override string ToString() => Text;
}
