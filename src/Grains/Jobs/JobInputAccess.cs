using SENet.Contracts.Jobs;
using SENet.Evaluation.Storage;

namespace SENet.Grains.Jobs;

/// <summary>The check of a job's every input location against the cluster's <see cref="StorageOptions.InputRoots"/>.</summary>
public static class JobInputAccess
{
    public static void Check(JobSpec spec, StorageOptions storage)
    {
        StorageRoots.CheckInput(spec.DataPath, "--data", storage);
        StorageRoots.CheckInput(spec.ModelPath, "--model", storage);
        // Every model of a job of several is read by the coordinator and every worker, as the first is.
        foreach (var model in spec.Models ?? [])
        {
            StorageRoots.CheckInput(model.Path, "--model", storage);
        }

        CheckFile(spec.LabelsFile, "--labels", storage);
        CheckFile(spec.ClassListFile, "--class-list", storage);
        CheckFile(spec.ModelClassesFile, "--model-classes", storage);
        CheckFile(spec.RealLabelsFile, "--real-labels", storage);
        CheckFile(spec.ClassSubsetFile, "--class-subset", storage);
    }

    /// <summary>
    /// A labels or class file is read from where it is named when it exists there (a relative name from the silo's
    /// working folder, as the planner reads it), else from inside the dataset, which the --data check covers.
    /// </summary>
    private static void CheckFile(string? location, string option, StorageOptions storage)
    {
        if (location is not null && (StorageLocation.LooksLikeBlob(location) || Path.IsPathRooted(location) || File.Exists(location)))
        {
            StorageRoots.CheckInput(location, option, storage);
        }
    }
}
