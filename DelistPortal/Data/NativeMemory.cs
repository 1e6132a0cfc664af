using System.Runtime.InteropServices;

namespace DelistPortal.Data;

/// <summary>
/// Gives memory that native code freed back to the operating system. SQLite allocates its page cache with malloc;
/// when an import's connection closes, its 256 MB cache is freed, but glibc keeps freed memory in its arenas, so the
/// process's resident size stayed hundreds of MB higher after an import with a managed heap of a few MB.
/// </summary>
internal static class NativeMemory
{
    /// <summary>
    /// After a large piece of work whose data is garbage now (an import's batches, a snapshot's rows: tens of MB, much
    /// of it on the large-object heap): one aggressive, compacting collection decommits what the GC would otherwise keep
    /// for reuse, then <see cref="Trim"/>. It pauses the process briefly; call it once per such piece of work, from a
    /// frame that no longer holds its data.
    /// </summary>
    public static void ReleaseAfterLargeWork()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trim();
    }

    /// <summary>Returns freed native memory to the OS where the C library can (glibc's malloc_trim); otherwise does nothing.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for example): nothing to do.
        }
    }

    // DllImport rather than LibraryImport, as in HugePages: the signature is blittable, and LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
