using DelistPortal.ChangeLog;

namespace DelistPortal.Admin;

/// <summary>
/// An account's security stamp, roles or existence changed — on this process or another one: the open admin
/// circuits of this process that are signed in as that account check it at once (<see cref="AccountChanges"/>).
/// </summary>
internal sealed class AccountChangeFollower(AccountChanges changes) : IChangeLogSubscriber
{
    public string Topic => ChangeLogTopics.Account;

    // Open circuits read the account when they need it; there is nothing to load.
    public Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (var userId in keys)
        {
            changes.Publish(userId);
        }
        return Task.CompletedTask;
    }
}
