using System.Globalization;

namespace DelistPortal.CapacityBenchmarks;

/// <summary>
/// A histogram the portal measured itself, read from two /metrics scrapes (before and after the timed run): the
/// server's own time per step, as ASP.NET Core records it (<c>http.server.request.duration</c> for a page,
/// <c>aspnetcore.components.handle_event.duration</c> for an event handler), without the client's or the network's.
/// Percentiles are interpolated inside the exporter's buckets; the share within a bucket bound is exact.
/// </summary>
public sealed class ServerHistogram(SortedDictionary<double, double> cumulative)
{
    public double Count => cumulative.Count == 0 ? 0 : cumulative.Values.Max();

    /// <summary>The buckets of every series of <paramref name="name"/> whose labels contain all of <paramref name="labels"/>, after minus before.</summary>
    public static ServerHistogram Between(string before, string after, string name, params string[] labels)
    {
        var end = Buckets(after, name, labels);
        foreach (var (bound, count) in Buckets(before, name, labels))
        {
            end[bound] = end.GetValueOrDefault(bound) - count;
        }
        return new ServerHistogram(end);
    }

    /// <summary>The share of observations at most <paramref name="seconds"/> (a bucket bound).</summary>
    public double ShareWithin(double seconds) => Count == 0 ? double.NaN : cumulative.GetValueOrDefault(seconds) / Count;

    public double Percentile(double p)
    {
        var target = p * Count;
        var (lowerBound, lowerCount) = (0.0, 0.0);
        foreach (var (bound, count) in cumulative)
        {
            if (count >= target)
            {
                if (double.IsPositiveInfinity(bound))
                {
                    return lowerBound;
                }
                return lowerBound + (bound - lowerBound) * ((target - lowerCount) / Math.Max(1e-9, count - lowerCount));
            }
            (lowerBound, lowerCount) = (bound, count);
        }
        return double.NaN;
    }

    private static SortedDictionary<double, double> Buckets(string metrics, string name, string[] labels)
    {
        var buckets = new SortedDictionary<double, double>();
        var prefix = name + "_bucket{";
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || !labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }
            var le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            var boundText = line[le..line.IndexOf('"', le)];
            var bound = boundText == "+Inf" ? double.PositiveInfinity : double.Parse(boundText, CultureInfo.InvariantCulture);
            var count = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + count;
        }
        return buckets;
    }
}
