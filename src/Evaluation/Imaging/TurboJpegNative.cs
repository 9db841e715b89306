using System.Runtime.InteropServices;

namespace SENet.Evaluation.Imaging;

/// <summary>The TurboJPEG 2.x API of libjpeg-turbo (Debian's libturbojpeg0): the same decoder PIL uses.</summary>
internal static partial class TurboJpegNative
{
    public const string Library = "libturbojpeg.so.0";

    public const int PixelFormatRgb = 0;
    public const int PixelFormatCmyk = 11;
    public const int ColorspaceCmyk = 3;
    public const int ColorspaceYcck = 4;
    public const int Subsampling420 = 2;
    public const int ErrorWarning = 0;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjInitCompress")]
    public static partial nint InitCompress();

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static unsafe partial int DecompressHeader3(nint handle, byte* jpeg, nuint jpegSize, out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static unsafe partial int Decompress2(nint handle, byte* jpeg, nuint jpegSize, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjCompress2")]
    public static unsafe partial int Compress2(nint handle, byte* source, int width, int pitch, int height, int pixelFormat, ref nint jpeg, ref nuint jpegSize, int subsampling, int quality, int flags);

    [LibraryImport(Library, EntryPoint = "tjFree")]
    public static partial void Free(nint buffer);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial nint GetErrorStr2(nint handle);

    [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(nint handle);

    public static string ErrorText(nint handle) => Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";

    private static readonly Lazy<string?> UnavailableReason = new(() =>
    {
        try
        {
            var handle = InitDecompress();
            Destroy(handle);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"{Library} not found ({e.Message}); install it with 'apt-get install libturbojpeg0'";
        }
    });

    /// <summary>Null when the library loads; otherwise why not, with the fix.</summary>
    public static string? Unavailable => UnavailableReason.Value;
}
