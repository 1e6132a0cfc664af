using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DelistPortal.Tests.Support;

/// <summary>
/// Holds the next query's rows after they are read, until the test lets them go: a query that answers late, after a
/// later one, as a slow database does under load.
/// </summary>
public sealed class HeldReads : DbCommandInterceptor
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holdNext;

    /// <summary>The next query to finish reading waits until <see cref="Release"/> (once per test).</summary>
    public void HoldNext() => Volatile.Write(ref _holdNext, 1);

    /// <summary>Completes when a query is held.</summary>
    public Task Held => _held.Task;

    public void Release() => _released.TrySetResult();

    public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (Interlocked.Exchange(ref _holdNext, 0) == 1)
        {
            _held.TrySetResult();
            await _released.Task;
        }
        return result;
    }
}
