namespace SENet.Evaluation.Storage;

/// <summary>What a local path names, as the operating system reports it before anything is opened.</summary>
public enum LocalFileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A named pipe: opening one for reading waits for a writer, possibly forever.</summary>
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}
