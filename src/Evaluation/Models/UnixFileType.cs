using System.Runtime.InteropServices;

namespace SENet.Evaluation.Models;

/// <summary>
/// What kind of file a path names, without opening it: opening a FIFO blocks until a writer comes, and a device such
/// as /dev/zero reads forever. .NET does not expose the file type, so this asks Linux's statx, whose layout is fixed by
/// the kernel on every architecture. Elsewhere the type is unknown (null) and only the size check applies.
/// </summary>
internal static partial class UnixFileType
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;

    /// <summary>Null for a regular file (after following links) or where the type cannot be told; otherwise what the path is, in words.</summary>
    public static string? NotRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, path, 0, StatxType, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        if (result != 0)
        {
            return null;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
