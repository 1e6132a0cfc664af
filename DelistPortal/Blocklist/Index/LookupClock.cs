namespace DelistPortal.Blocklist.Index;

/// <summary>
/// The time for one lookup, read when first needed: a listing without an expiry does not need it. Passed by reference
/// so that a walk up the parents reads it once. The system clock is read through <see cref="CoarseUtcClock"/>, so a
/// listing stops matching within a few milliseconds of its expiry; any other provider (tests) is read exactly.
/// </summary>
internal struct LookupClock(TimeProvider time)
{
    private long _nowTicks;

    /// <summary>Whether a listing that expires at these UTC ticks (<see cref="long.MaxValue"/>: never) still holds.</summary>
    public bool IsBefore(long expiresAtTicks)
    {
        if (expiresAtTicks == long.MaxValue)
        {
            return true;
        }
        if (_nowTicks == 0)
        {
            _nowTicks = ReferenceEquals(time, TimeProvider.System) ? CoarseUtcClock.UtcNowTicks() : time.GetUtcNow().UtcTicks;
        }
        return _nowTicks < expiresAtTicks;
    }
}
