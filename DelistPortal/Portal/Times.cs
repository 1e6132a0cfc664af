using System.Globalization;

namespace DelistPortal.Portal;

/// <summary>How the portal shows a point in time: in the reader's culture, always with its zone.</summary>
public static class Times
{
    public static string Utc(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("f", CultureInfo.CurrentCulture) + " UTC";
}
