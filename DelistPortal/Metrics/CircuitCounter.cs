using DelistPortal.Portal;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace DelistPortal.Metrics;

/// <summary>Counts the open circuits of this process (a circuit handler lives as long as its circuit).</summary>
internal sealed class CircuitCounter(PortalMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
