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

        // An SMTP address literal, "[IPv6:2001:db8::25]": the 6 would otherwise start the address ("6:2001:db8::25" parses).
        text = text.Replace("IPv6:", "IPv6 ", StringComparison.OrdinalIgnoreCase);
        var found = new List<string>();
        foreach (var token in Tokens(text))
        {
            if (Parse(token) is { } address && !found.Contains(address))
            {
                found.Add(address);
            }
        }
        // The address the rejection names ("banned sending IP [203.0.113.7]", "?ip=203.0.113.7") first: a bounce also
        // names the reporting server's own address (Reporting-MTA ... [198.51.100.3]), which is not the one to delist.
        found = [.. found.OrderBy(address => NamedAsBanned(text, address) ? 0 : 1)];
        return found.Count switch
        {
            0 => new(BounceExtractionOutcome.NoAddress, []),
            1 => new(BounceExtractionOutcome.Found, found),
            _ => new(BounceExtractionOutcome.SeveralAddresses, found),
        };
    }

    private static bool NamedAsBanned(string text, string address) =>
        System.Text.RegularExpressions.Regex.IsMatch(text,
            $@"(\bIP\s*\[?\s*|[?&]ip=){System.Text.RegularExpressions.Regex.Escape(address)}(?![0-9A-Fa-f.:])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

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
                var token = TrimPunctuation(text[start..i]);
                // Only runs that could be an address: a dot or two colons, and a digit.
                if (token.Length >= 3 && token.Any(char.IsAsciiDigit) && (token.Contains('.') || token.Count(c => c == ':') >= 2))
                {
                    yield return token;
                }
                start = -1;
            }
        }
    }

    /// <summary>Sentence dots and a lone colon around an address go; "::" stays, it can begin or end an IPv6 address.</summary>
    private static string TrimPunctuation(string token)
    {
        token = token.Trim('.');
        if (token.StartsWith(':') && !token.StartsWith("::", StringComparison.Ordinal))
        {
            token = token[1..];
        }
        if (token.EndsWith(':') && !token.EndsWith("::", StringComparison.Ordinal))
        {
            token = token[..^1];
        }
        return token;
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
        // "203.0.113.7:25": an address and a port.
        return token.Count(c => c == ':') == 1 ? Accept(token[..colon]) : null;
    }

    private static string? Accept(string candidate)
    {
        var parsed = IpAddressInput.Parse(candidate);
        return parsed.IsValid ? parsed.Address!.ToString() : null;
    }
}
