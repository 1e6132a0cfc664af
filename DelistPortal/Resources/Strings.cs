namespace DelistPortal.Resources;

/// <summary>Marker type for the portal's strings: Strings.resx (English) and its translations.</summary>
public sealed class Strings;
