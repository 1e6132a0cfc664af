using DelistPortal.Resources;
using Microsoft.Extensions.Localization;

namespace DelistPortal.Components.Shared;

/// <summary>A short wait said as a duration ("40 seconds", "1 minute"), rounded up so the reader never tries too early.</summary>
public static class Durations
{
    public static string Wait(IStringLocalizer<Strings> l, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
        if (seconds < 60)
        {
            return l[seconds == 1 ? "Duration_Second" : "Duration_Seconds", seconds];
        }
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        return l[minutes == 1 ? "Duration_Minute" : "Duration_Minutes", minutes];
    }
}
