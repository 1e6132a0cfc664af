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

/// <summary>
/// A subscriber that can start from a saved state (a snapshot) instead of reading everything, and catch up from the
/// position the snapshot covers (docs/decisions/011).
/// </summary>
public interface IChangeLogSnapshotSubscriber : IChangeLogSubscriber
{
    /// <summary>
    /// Loads the saved state if there is a usable one at or before <paramref name="logPosition"/> (the log's position,
    /// read first) and returns the position it covers; null when it loaded nothing (then <see cref="IChangeLogSubscriber.LoadAsync"/> runs).
    /// </summary>
    Task<long?> TryLoadSnapshotAsync(long logPosition, CancellationToken cancellationToken);
}
