using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DelistPortal.Blocklist.Index;

/// <summary>
/// Backs the index's large arrays with 2 MiB pages where Linux allows it. A lookup touches three random places in
/// tens of megabytes; with 4 KiB pages each is also a TLB miss and a page walk (a nested one in a VM), which cost more
/// than the cache misses themselves. The arrays live on the pinned object heap, so their addresses never change.
/// </summary>
internal static class HugePages
{
    private const int MadviseCollapse = 25; // MADV_COLLAPSE, Linux 6.1+: make huge pages now, not some time later.
    private const long PageSize = 2 << 20;
    private const int MinBytes = 4 << 20;

    /// <summary>A zeroed array that never moves; large ones are candidates for huge pages once filled.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged =>
        length * (long)Unsafe.SizeOf<T>() >= MinBytes ? GC.AllocateArray<T>(length, pinned: true) : new T[length];

    /// <summary>Asks the kernel to back the filled array with huge pages. Best effort: elsewhere it does nothing.</summary>
    public static void Collapse<T>(T[] array) where T : unmanaged
    {
        var bytes = array.Length * (long)Unsafe.SizeOf<T>();
        if (!OperatingSystem.IsLinux() || bytes < MinBytes)
        {
            return;
        }
        // Only whole 2 MiB pages inside the array can become huge pages.
        var start = (long)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        var first = (start + PageSize - 1) & ~(PageSize - 1);
        var last = (start + bytes) & ~(PageSize - 1);
        if (last <= first)
        {
            return;
        }
        try
        {
            // Fails harmlessly (EINVAL) where transparent huge pages are off or the kernel predates MADV_COLLAPSE.
            _ = Madvise((nint)first, (nuint)(last - first), MadviseCollapse);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without madvise: the arrays simply keep their small pages.
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
