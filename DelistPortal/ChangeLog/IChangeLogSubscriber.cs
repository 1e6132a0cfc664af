namespace DelistPortal.ChangeLog;

/// <summary>
/// Something a process keeps in step with the database (the lookup index, open admin sessions, the outbox sender):
/// it reads the current rows of the keys it is given, so applying a key twice or late is harmless.
/// </summary>
public interface IChangeLogSubscriber
{
    /// <summary>The <see cref="ChangeLogEntry.Topic"/> it follows.</summary>
    string Topic { get; }

    /// <summary>
    /// Reads the whole state: at start, and after falling behind the pruned part of the log. Runs after the log's
    /// position was read, so whatever commits meanwhile is applied again afterwards.
    /// </summary>
    Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>Applies the keys that changed, each once, in the order of their last change.</summary>
    Task ApplyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);
}
