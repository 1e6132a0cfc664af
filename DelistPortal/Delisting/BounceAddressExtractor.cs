using DelistPortal.Blocklist;

namespace DelistPortal.Delisting;

public enum BounceExtractionOutcome
{
    /// <summary>Exactly one public address: the one to confirm.</summary>
    Found,
    /// <summary>No public IP address in the text.</summary>
    NoAddress,
    /// <summary>More than one public address: the sender must pick.</summary>
    SeveralAddresses,
    /// <summary>Longer than any bounce we expect; not searched.</summary>
    TooLong,
}

public sealed record BounceExtraction(BounceExtractionOutcome Outcome, IReadOnlyList<string> Addresses)
{
    public string? Address => Outcome == BounceExtractionOutcome.Found ? Addresses[0] : null;
}

/// <summary>
/// Finds the sending IP in a pasted rejection message ("550 5.7.606 Access denied, banned sending IP
/// [203.0.113.7]; ... ?ip=203.0.113.7"). Every run of address characters is tried with the wizard's own strict
/// parser; private, loopback and other special addresses are skipped (they cannot be listed, and bounces often name
/// internal relays), and repeats of one address count once.
/// </summary>
public static class BounceAddressExtractor
{
    public const int MaxLength = 20_000;

    public static BounceExtraction Extract(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new(BounceExtractionOutcome.NoAddress, []);
        }
        if (text.Length > MaxLength)
        {
            return new(BounceExtractionOutcome.TooLong, []);
        }

        var found = new List<string>();
        foreach (var token in Tokens(text))
        {
            if (Parse(token) is { } address && !found.Contains(address))
            {
                found.Add(address);
            }
        }
        return found.Count switch
        {
            0 => new(BounceExtractionOutcome.NoAddress, []),
            1 => new(BounceExtractionOutcome.Found, found),
            _ => new(BounceExtractionOutcome.SeveralAddresses, found),
        };
    }

    /// <summary>Runs of the characters an IPv4 or IPv6 address is written with.</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && (char.IsAsciiHexDigit(text[i]) || text[i] is '.' or ':');
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                var token = text[start..i].Trim('.', ':');
                // Only runs that could be an address: a dot or two colons, and a digit.
                if (token.Length >= 3 && token.Any(char.IsAsciiDigit) && (token.Contains('.') || token.Count(c => c == ':') >= 2))
                {
                    yield return token;
                }
                start = -1;
            }
        }
    }

    private static string? Parse(string token)
    {
        if (Accept(token) is { } address)
        {
            return address;
        }
        var colon = token.IndexOf(':');
        if (colon < 0)
        {
            return null;
        }
        // "203.0.113.7:25" (address and port), or "6:2001:db8::25" left of "IPv6:2001:db8::25" (an SMTP address literal).
        return token.Count(c => c == ':') == 1 ? Accept(token[..colon]) : Accept(token[(colon + 1)..]);
    }

    private static string? Accept(string candidate)
    {
        var parsed = IpAddressInput.Parse(candidate);
        return parsed.IsValid ? parsed.Address!.ToString() : null;
    }
}
