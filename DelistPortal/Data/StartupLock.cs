namespace DelistPortal.Data;

/// <summary>
/// Makes the processes that start together on one SQLite database migrate and seed it one after the other: an
/// exclusive lock on a file beside the database (flock on Linux), which the operating system releases when the
/// holder exits, even by SIGKILL — so a crashed process never leaves the database locked.
/// </summary>
internal sealed class StartupLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly FileStream _file;

    private StartupLock(FileStream file) => _file = file;

    public static async Task<StartupLock> AcquireAsync(string databaseFile, ILogger logger, CancellationToken cancellationToken)
    {
        var path = databaseFile + ".startup-lock";
        var waiting = false;
        while (true)
        {
            try
            {
                return new StartupLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!waiting)
                {
                    logger.LogInformation("Another portal process is preparing the database; waiting for it");
                    waiting = true;
                }
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
