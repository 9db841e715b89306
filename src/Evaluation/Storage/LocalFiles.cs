using System.Runtime.InteropServices;

namespace SENet.Evaluation.Storage;

/// <summary>
/// Questions about a local path answered before it is opened: what kind of file it is (a FIFO blocks its reader, a
/// device never ends), how long it is, and where it really is once symbolic links are resolved.
/// </summary>
public static partial class LocalFiles
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxBufferSize = 256;
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;
    private const int ErrnoNoEntry = 2;
    private const int ErrnoNotDirectory = 20;

    /// <summary>The kind and length of the file a path leads to (symbolic links followed).</summary>
    public static (LocalFileKind Kind, long Length) Stat(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var native = StatLinux(path);
            if (native is { } known)
            {
                return known;
            }
        }

        // Elsewhere (or where statx is filtered out) only what .NET reports: regular files, directories, missing.
        var info = new FileInfo(path);
        if (info.Exists)
        {
            return (LocalFileKind.Regular, info.Length);
        }

        return (Directory.Exists(path) ? LocalFileKind.Directory : LocalFileKind.Missing, 0);
    }

    /// <summary>
    /// The path as the file system resolves it: absolute, <c>.</c> and <c>..</c> removed as .NET removes them before
    /// opening anything, then every symbolic link of its longest existing ancestor resolved; a part that does not
    /// exist yet (an output folder to create) is kept as written. A dangling link is followed to where it points,
    /// since creating a folder under it would create it there.
    /// </summary>
    public static string Canonical(string path) => Canonical(path, 0);

    private static string Canonical(string path, int linksFollowed)
    {
        const int MaxLinks = 40;
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return full;
        }

        var existing = full;
        var missing = new Stack<string>();
        while (true)
        {
            var resolved = RealPath(existing);
            if (resolved is not null)
            {
                return missing.Count == 0 ? resolved : Path.GetFullPath(Path.Combine([resolved, .. missing]));
            }

            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return full;
            }

            if (linksFollowed < MaxLinks && new FileInfo(existing).LinkTarget is { } target)
            {
                var followed = Canonical(Path.Combine(parent, target), linksFollowed + 1);
                return missing.Count == 0 ? followed : Path.GetFullPath(Path.Combine([followed, .. missing]));
            }

            missing.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies under it, both canonical.</summary>
    public static bool IsWithin(string path, string root, bool orSame = true)
    {
        var trimmed = root.Length > 1 ? root.TrimEnd(Path.DirectorySeparatorChar) : root;
        if (string.Equals(path, trimmed, StringComparison.Ordinal))
        {
            return orSame;
        }

        var withSeparator = trimmed.EndsWith(Path.DirectorySeparatorChar) ? trimmed : trimmed + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, StringComparison.Ordinal);
    }

    /// <summary>How a non-regular kind is named in a message.</summary>
    public static string Describe(LocalFileKind kind) => kind switch
    {
        LocalFileKind.Fifo => "a named pipe (FIFO)",
        LocalFileKind.CharacterDevice => "a character device",
        LocalFileKind.BlockDevice => "a block device",
        LocalFileKind.Socket => "a socket",
        LocalFileKind.Directory => "a directory",
        LocalFileKind.Missing => "missing",
        LocalFileKind.Regular => "a regular file",
        _ => "not a regular file",
    };

    private static unsafe (LocalFileKind, long)? StatLinux(string path)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        new Span<byte>(buffer, StatxBufferSize).Clear();
        if (StatX(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ErrnoNoEntry or ErrnoNotDirectory ? (LocalFileKind.Missing, 0) : null;
        }

        var mode = *(ushort*)(buffer + StatxModeOffset);
        var length = *(long*)(buffer + StatxSizeOffset);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => LocalFileKind.Regular,
            0x4000 => LocalFileKind.Directory,
            0x1000 => LocalFileKind.Fifo,
            0x2000 => LocalFileKind.CharacterDevice,
            0x6000 => LocalFileKind.BlockDevice,
            0xC000 => LocalFileKind.Socket,
            _ => LocalFileKind.Other,
        };
        return (kind, length);
    }

    private static string? RealPath(string path)
    {
        var resolved = NativeRealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeFree(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatX(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint NativeRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void NativeFree(nint pointer);
}
