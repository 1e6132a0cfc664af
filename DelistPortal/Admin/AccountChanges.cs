using System.Collections.Immutable;

namespace DelistPortal.Admin;

/// <summary>
/// Tells the open admin circuits of this process that an account was removed or its role changed, so each circuit
/// signed in as that account checks it at once instead of at its next revalidation (every five minutes).
/// </summary>
public sealed class AccountChanges(ILogger<AccountChanges> logger)
{
    private readonly Lock _lock = new();
    private ImmutableArray<Func<string, Task>> _handlers = [];

    /// <summary>Calls <paramref name="handler"/> with the account's id after each change, until disposed.</summary>
    public IDisposable Subscribe(Func<string, Task> handler)
    {
        lock (_lock)
        {
            _handlers = _handlers.Add(handler);
        }
        return new Subscription(this, handler);
    }

    /// <summary>Runs every handler in the background: the admin who made the change does not wait for other circuits.</summary>
    public void Publish(string userId)
    {
        foreach (var handler in _handlers)
        {
            _ = RunAsync(handler, userId);
        }
    }

    private async Task RunAsync(Func<string, Task> handler, string userId)
    {
        try
        {
            await Task.Yield();
            await handler(userId);
        }
        catch (Exception ex)
        {
            // The five-minute revalidation still ends that session; nothing else depends on this.
            logger.LogWarning(ex, "An open admin session could not check account {UserId} after a change", userId);
        }
    }

    private void Unsubscribe(Func<string, Task> handler)
    {
        lock (_lock)
        {
            _handlers = _handlers.Remove(handler);
        }
    }

    private sealed class Subscription(AccountChanges changes, Func<string, Task> handler) : IDisposable
    {
        public void Dispose() => changes.Unsubscribe(handler);
    }
}
