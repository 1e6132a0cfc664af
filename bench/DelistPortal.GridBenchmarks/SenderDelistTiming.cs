using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

/// <summary>
/// The sender's delist as issue 12 times it: the wizard in Chromium (submit, the confirmation link from the embedded
/// mailbox), then from the click on "Delist IP" to the portal's DNSBL answering NXDOMAIN for the address. The clock
/// starts before the click is dispatched in the page and stops at the first NXDOMAIN of queries sent back to back.
/// </summary>
internal static partial class SenderDelistTiming
{
    public static async Task<List<double>> MeasureAsync(IPage page, Portal portal, IReadOnlyList<string> candidates, int tries)
    {
        using var dns = new UdpClient();
        dns.Connect(IPAddress.Loopback, portal.DnsPort);
        var times = new List<double>();
        var mailbox = Path.Combine(portal.Data, "mailbox");
        foreach (var address in candidates)
        {
            if (times.Count == tries + 2)
            {
                break;
            }
            // Delisted by an earlier run of the benchmark on this data folder: not listed any more.
            if (!await IsListedAsync(dns, address))
            {
                continue;
            }
            var email = $"postmaster@sender{Guid.NewGuid():N}.example";
            await page.GotoAsync(new Uri(portal.Root, $"?ip={address}").AbsoluteUri);
            await page.Locator("[data-interactive='true']").WaitForAsync();
            await page.GetByLabel("Email address").FillAsync(email);
            await page.GetByLabel("IP address").FillAsync(address);
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
            var link = await ConfirmationLinkAsync(mailbox, email);
            await page.GotoAsync(link);
            await page.Locator("[data-interactive='true']").WaitForAsync();
            var delist = page.GetByRole(AriaRole.Button, new() { Name = "Delist IP", Exact = true });
            if (!await delist.IsVisibleAsync())
            {
                // Needs a person (the listing's policy): not a self-service delist.
                Console.WriteLine($"{address}: no self-service delist offered, skipped");
                continue;
            }
            // The click dispatched in the page, as the grid's views do: Playwright's ClickAsync first scrolls, waits
            // for two animation frames of a still button and tests the hit target, which no person's click waits for.
            var button = await delist.ElementHandleAsync();
            var watch = Stopwatch.StartNew();
            await button.EvaluateAsync("button => button.click()");
            while (await IsListedAsync(dns, address))
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"{address} was still listed 30 s after the click.");
                }
            }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        if (times.Count < tries + 2)
        {
            throw new InvalidOperationException($"Only {times.Count} of {tries + 2} delists could be timed: too few listed candidates left in this data folder.");
        }
        // The first two warm the path up, as for the grid's views.
        return times.Skip(2).ToList();
    }

    private static async Task<string> ConfirmationLinkAsync(string mailbox, string email)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            foreach (var file in Directory.Exists(mailbox) ? Directory.EnumerateFiles(mailbox, "*.eml") : [])
            {
                using var message = await MimeKit.MimeMessage.LoadAsync(file);
                if (message.To.ToString().Contains(email, StringComparison.Ordinal) && ConfirmLink().Match(message.TextBody ?? "") is { Success: true } link)
                {
                    File.Delete(file);
                    return link.Value;
                }
            }
        }
        throw new InvalidOperationException($"No confirmation mail for {email} within 60 s.");
    }

    /// <summary>An A query for the address in the default zone: listed (an answer) or not (NXDOMAIN).</summary>
    private static async Task<bool> IsListedAsync(UdpClient dns, string address)
    {
        var name = string.Join('.', address.Split('.').Reverse()) + ".dnsbl.portal.example";
        var query = new List<byte>();
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        query.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        foreach (var label in name.Split('.'))
        {
            query.Add((byte)label.Length);
            query.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        query.AddRange([0, 0, 1, 0, 1]);
        await dns.SendAsync(query.ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (true)
        {
            var answer = (await dns.ReceiveAsync(timeout.Token)).Buffer;
            if (BinaryPrimitives.ReadUInt16BigEndian(answer) != id)
            {
                continue;
            }
            return (answer[3] & 0x0F) switch
            {
                0 => BinaryPrimitives.ReadUInt16BigEndian(answer.AsSpan(6)) > 0,
                3 => false,
                var rcode => throw new InvalidOperationException($"The DNSBL answered RCODE {rcode} for {name}."),
            };
        }
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/confirm\?[^\s""<>]+")]
    private static partial Regex ConfirmLink();
}
