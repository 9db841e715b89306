using Azure;
using SENet.Evaluation.Storage;

namespace SENet.Evaluation.Tests.Storage;

public sealed class StorageErrorsTests
{
    [Theory]
    [InlineData(404, typeof(FileNotFoundException))]
    [InlineData(403, typeof(UnauthorizedAccessException))]
    [InlineData(503, typeof(StorageUnavailableException))]
    [InlineData(500, typeof(StorageUnavailableException))]
    [InlineData(429, typeof(StorageUnavailableException))]
    [InlineData(408, typeof(StorageUnavailableException))]
    [InlineData(400, typeof(IOException))]
    public void AStatusBecomesTheErrorItMeansForTheBlob(int status, Type expected)
    {
        var error = StorageErrors.Translate(new RequestFailedException(status, "failed", $"Code{status}", null), "cat/1.jpg", "az://data/val");

        Assert.IsType(expected, error);
        Assert.Contains("cat/1.jpg", error.Message);
        Assert.Contains("az://data/val", error.Message);
    }

    [Fact]
    public void StorageThatNeverAnsweredIsUnavailableAndSaysHowOftenAndWhy()
    {
        var refused = new RequestFailedException(0, "Connection refused (127.0.0.1:10000)", null, new HttpRequestException("Connection refused (127.0.0.1:10000)"));
        var error = StorageErrors.Translate(new AggregateException("Retry failed after 3 tries.", refused, refused, refused), "cat/1.jpg", "az://data/val");

        var unavailable = Assert.IsType<StorageUnavailableException>(error);
        Assert.Contains("after 3 tries", unavailable.Message);
        Assert.Contains("Connection refused (127.0.0.1:10000)", unavailable.Message);
        // An I/O error, yet not a bad image: the pipeline lets it fail the shard rather than count the image.
        Assert.IsAssignableFrom<IOException>(unavailable);
    }

    [Fact]
    public void OnlyTheStorageClientsFailuresAreStorageFailures()
    {
        Assert.True(StorageErrors.IsStorageFailure(new RequestFailedException(500, "x")));
        Assert.True(StorageErrors.IsStorageFailure(new AggregateException(new RequestFailedException(0, "x"))));
        Assert.False(StorageErrors.IsStorageFailure(new AggregateException(new InvalidOperationException())));
        Assert.False(StorageErrors.IsStorageFailure(new IOException("disk")));
    }

    [Fact]
    public void ATransferCutShortIsStorageGoingAwayNotABadBlob()
    {
        var reset = new IOException("Unable to read data from the transport connection: Connection reset by peer.", new System.Net.Sockets.SocketException(104));

        Assert.True(StorageErrors.IsInterruptedTransfer(reset));
        Assert.True(StorageErrors.IsInterruptedTransfer(new AggregateException(reset, new HttpRequestException("An error occurred while sending the request."))));
        Assert.False(StorageErrors.IsInterruptedTransfer(new FileNotFoundException("gone")));
        Assert.False(StorageErrors.IsInterruptedTransfer(new InvalidDataException("not an image")));
        var unavailable = StorageErrors.TranslateInterruptedTransfer(reset, "cat/1.jpg", "az://data/val");
        Assert.Contains("cat/1.jpg", unavailable.Message);
        Assert.Contains("Connection reset by peer", unavailable.Message);
        Assert.False(StorageErrors.IsInterruptedTransfer(unavailable));
    }
}
