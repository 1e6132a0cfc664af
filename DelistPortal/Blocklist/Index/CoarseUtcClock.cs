namespace DelistPortal.Blocklist.Index;

/// <summary>
/// The system's UTC time to within a few milliseconds, for the lookup path. The precise clock costs as much as a
/// whole lookup and stalls the CPU's overlap of one lookup's memory reads with the next; the kernel's coarse tick
/// (<see cref="Environment.TickCount64"/>, a plain memory read that advances every 1-4 ms on Linux, ~16 ms on
/// Windows) does neither. The offset between the two is taken again every second, so clock adjustments carry over.
/// </summary>
internal static class CoarseUtcClock
{
    private const long RecalibrateAfterMilliseconds = 1000;

    private static Calibration _calibration = Calibration.Now();

    public static long UtcNowTicks()
    {
        var calibration = Volatile.Read(ref _calibration);
        var elapsed = Environment.TickCount64 - calibration.TickCount;
        if (elapsed is < 0 or >= RecalibrateAfterMilliseconds)
        {
            // Racing threads each take a fresh calibration; any of them is right, so the last write may win.
            calibration = Calibration.Now();
            Volatile.Write(ref _calibration, calibration);
            elapsed = 0;
        }
        return calibration.UtcTicks + elapsed * TimeSpan.TicksPerMillisecond;
    }

    private sealed record Calibration(long UtcTicks, long TickCount)
    {
        public static Calibration Now() => new(TimeProvider.System.GetUtcNow().UtcTicks, Environment.TickCount64);
    }
}
