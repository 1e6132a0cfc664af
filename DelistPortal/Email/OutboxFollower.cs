using DelistPortal.ChangeLog;

namespace DelistPortal.Email;

/// <summary>Mail queued by any process wakes this process's outbox sender, rather than waiting for its next poll.</summary>
internal sealed class OutboxFollower(MailOutbox outbox) : IChangeLogSubscriber
{
    public string Topic => ChangeLogTopics.Outbox;

    public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        outbox.Wake();
        return Task.CompletedTask;
    }
}
