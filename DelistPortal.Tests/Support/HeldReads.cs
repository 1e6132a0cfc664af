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
    // Whether the next query to finish reading waits (once per test).
    private int _holdNext;

    /// <summary>Starts <paramref name="load"/> with the rows of its first query held, and returns once they are (the load still running).</summary>
    public async Task<Task> StartHeldAsync(Func<Task> load)
    {
        Volatile.Write(ref _holdNext, 1);
        var loading = load();
        await _held.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return loading;
    }

    /// <summary>Lets the held rows go and waits for their load to end, whether it finished or gave way as cancelled.</summary>
    public async Task ReleaseAsync(Task loading)
    {
        _released.TrySetResult();
        try
        {
            await loading.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // A later load replaced it.
        }
    }

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
