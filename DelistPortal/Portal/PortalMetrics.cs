using System.Diagnostics.Metrics;

namespace DelistPortal.Portal;

/// <summary>
/// The portal's own instruments (meter "DelistPortal"), recorded by the features and exported on <c>/metrics</c> (Metrics/) when <c>Metrics:Enabled</c>. Tags
/// have a handful of values each — never an address, an email or a reference. Without a listener (metrics off) each
/// recording costs next to nothing, so the DNSBL's allocation-free path stays so.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "DelistPortal";

    private readonly Counter<long> _dnsblQueries;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _outboxAttempts;
    private readonly Counter<long> _outboxGiveUps;
    private readonly Counter<long> _importedRows;
    private long _openCircuits;

    public PortalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _dnsblQueries = meter.CreateCounter<long>("delistportal.dnsbl.queries", "{query}",
            "DNSBL queries answered, by answer (listed, not_listed, no_data, refused, error) and transport (udp, tcp)");
        _requests = meter.CreateCounter<long>("delistportal.delist.requests", "{request}",
            "Delist requests by outcome: submitted, not_listed, refused_by_limit, refused_proof_of_work, invalid, confirmed, delisted, to_review, expired");
        _outboxAttempts = meter.CreateCounter<long>("delistportal.outbox.attempts", "{attempt}", "Mail delivery attempts, by result (sent, failed)");
        _outboxGiveUps = meter.CreateCounter<long>("delistportal.outbox.give_ups", "{message}", "Mail given up after the last attempt");
        _importedRows = meter.CreateCounter<long>("delistportal.import.rows", "{row}", "CSV rows imported (rate: rows per second)");
        meter.CreateObservableUpDownCounter("delistportal.circuits.open", () => Interlocked.Read(ref _openCircuits), "{circuit}",
            "Open Blazor circuits (senders' and admins' pages) on this process");
        Meter = meter;
    }

    /// <summary>For the gauges that read other services (Metrics/<c>PortalGauges</c>).</summary>
    internal Meter Meter { get; }

    /// <summary>Counts one DNSBL reply by its response code and answer count, as a resolver would read it.</summary>
    public void DnsblAnswered(ReadOnlySpan<byte> reply, bool tcp)
    {
        if (!_dnsblQueries.Enabled)
        {
            return;
        }
        var answer = reply.Length < 12 ? "error" : (reply[3] & 0x0F) switch
        {
            0 => reply[6] != 0 || reply[7] != 0 ? "listed" : "no_data",
            3 => "not_listed",
            5 => "refused",
            _ => "error",
        };
        _dnsblQueries.Add(1, new KeyValuePair<string, object?>("answer", answer), new KeyValuePair<string, object?>("transport", tcp ? "tcp" : "udp"));
    }

    public void OutboxAttempted(bool sent) => _outboxAttempts.Add(1, new KeyValuePair<string, object?>("result", sent ? "sent" : "failed"));

    public void OutboxGaveUp() => _outboxGiveUps.Add(1);

    public void RowsImported(int rows) => _importedRows.Add(rows);

    public void CircuitOpened() => Interlocked.Increment(ref _openCircuits);

    public void CircuitClosed() => Interlocked.Decrement(ref _openCircuits);

    /// <summary>Counts one delist request's outcome (Delisting names them: <c>DelistingMetrics</c>).</summary>
    public void DelistRequest(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
