using Azure;
using SENet.Evaluation.Datasets;

namespace SENet.Evaluation.Storage;

/// <summary>Blob storage errors in words that name the blob and never a credential.</summary>
public static class StorageErrors
{
    /// <summary>
    /// What the Azure SDK throws once its retries are spent: the request's own failure, or, when every try failed
    /// without a response (storage unreachable), an <see cref="AggregateException"/> of them.
    /// </summary>
    public static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(i => i is RequestFailedException));

    /// <summary>
    /// A transfer the network cut short: the connection dropped while a blob's body was read or written (the storage
    /// went away mid-request), which the SDK reports as an I/O error rather than a failed request.
    /// </summary>
    public static bool IsInterruptedTransfer(Exception e) => e switch
    {
        StorageUnavailableException or FileNotFoundException or DirectoryNotFoundException or FileRefusedException => false,
        IOException or HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(i => IsInterruptedTransfer(i) || i is RequestFailedException),
        _ => false,
    };

    public static StorageUnavailableException TranslateInterruptedTransfer(Exception e, string path, string where) =>
        new($"storage stopped answering while '{path}' under {where} was transferred ({FirstLine(Innermost(e).Message)}): check that the account is reachable from here", e);

    /// <summary>
    /// 404 becomes <see cref="FileNotFoundException"/>, 403 <see cref="UnauthorizedAccessException"/>, no answer or a
    /// status that says try later (408, 429, 5xx) <see cref="StorageUnavailableException"/>, anything else <see cref="IOException"/>.
    /// </summary>
    public static Exception Translate(Exception e, string path, string where)
    {
        var failure = e as RequestFailedException ?? ((AggregateException)e).InnerExceptions.OfType<RequestFailedException>().Last();
        var tries = e is AggregateException aggregate ? aggregate.InnerExceptions.Count : 1;
        return failure.Status switch
        {
            404 => new FileNotFoundException($"blob '{path}' not found under {where} ({failure.ErrorCode ?? "404"})"),
            403 => new UnauthorizedAccessException($"access to '{path}' under {where} was refused (403 {failure.ErrorCode}): check the connection string, SAS or identity's role"),
            0 or 408 or 429 or >= 500 => new StorageUnavailableException(
                $"storage did not answer for '{path}' under {where} after {tries} {(tries == 1 ? "try" : "tries")} ({Reason(failure)}): check that the account is reachable from here", e),
            _ => new IOException($"storage request for '{path}' under {where} failed with {failure.Status} {failure.ErrorCode}: {FirstLine(failure.Message)}", e),
        };
    }

    private static string Reason(RequestFailedException failure)
    {
        if (failure.Status != 0)
        {
            return $"{failure.Status} {failure.ErrorCode}".Trim();
        }

        return FirstLine(Innermost(failure).Message);
    }

    private static Exception Innermost(Exception e)
    {
        while ((e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : e.InnerException) is { } inner)
        {
            e = inner;
        }

        return e;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
