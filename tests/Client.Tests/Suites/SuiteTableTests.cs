using SENet.Client.Suites;
using SENet.Contracts.Jobs;
using SENet.Evaluation.Metrics;

namespace SENet.Client.Tests.Suites;

public sealed class SuiteTableTests
{
    private static EvaluationReport Report(string model, long images, long top1, long top5, RealAccuracy? real = null, string state = "completed") => new()
    {
        Model = model,
        ExecutionProvider = "CPUExecutionProvider",
        Dataset = "d",
        Interpolation = "bilinear",
        Images = images,
        ImagesTotal = images,
        Top1Correct = top1,
        Top5Correct = top5,
        Top1 = 100.0 * top1 / images,
        Top5 = 100.0 * top5 / images,
        State = state,
        Labels = real is null ? null : new LabelConventionsReport { Real = real },
    };

    [Fact]
    public void ModelsAreRowsDatasetsColumnsInTheSuitesOrderAndAMissingCellIsEmptyNeverZero()
    {
        var table = new SuiteTable("family", ["imagenet", "real", "v2"]);
        // 2 of 3 images right at top-1: 66.6667 as timm rounds; ReaL over 2 images with one skipped.
        table.Add("v2", Report("seresnet50", 3, 2, 3));
        table.Add("imagenet", Report("seresnet50", 8, 6, 7));
        table.Add("real", Report("seresnet50", 3, 1, 3, new RealAccuracy("real.json", 2, 2, 2, 100, 100, 1, 0, 33.333333, 100)));
        table.Add("imagenet", Report("resnet50", 8, 5, 8, state: "cancelled") with { ImagesTotal = 10 });

        Assert.Equal(["seresnet50", "resnet50"], table.Models);
        var lines = table.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("model,imagenet_top1,imagenet_top5,imagenet_state,real_top1,real_top5,real_real_top1,real_real_top5,real_state,v2_top1,v2_top5,v2_state", lines[0]);
        Assert.Equal("seresnet50,75,87.5,completed,33.3333,100,100,100,completed,66.6667,100,completed", lines[1]);
        Assert.Equal("resnet50,62.5,100,cancelled (partial: 8 of 10 images),,,,,,,,", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void TheMarkdownTableReadsAsTheConsolesWithEachDatasetsConventionsBelow()
    {
        var table = new SuiteTable("family", ["imagenet", "a"]);
        table.Add("imagenet", Report("m", 4, 3, 4));
        table.Add("a", Report("m", 4, 1, 2) with { Labels = new LabelConventionsReport { ClassSubset = new ClassSubsetReport("a.txt", 200, "masked") }, View = "tencrop" });

        var markdown = table.ToMarkdown().Split('\n');

        Assert.Equal("| model | imagenet | a |", markdown[0]);
        Assert.Equal("|---|---|---|", markdown[1]);
        Assert.Equal("| m | 75 / 100 | 25 / 50 |", markdown[2]);
        Assert.Contains("- a: class subset of 200 (masked); view tencrop", markdown);
        Assert.Equal("not evaluated", SuiteTable.Cell(table["other", "a"]));
    }

    [Fact]
    public void AReportForADatasetOutsideTheSuiteOrTwiceForOneCellIsRefused()
    {
        var table = new SuiteTable("family", ["imagenet"]);
        table.Add("imagenet", Report("m", 1, 1, 1));

        Assert.Throws<ArgumentException>(() => table.Add("v2", Report("m", 1, 1, 1)));
        Assert.Throws<ArgumentException>(() => table.Add("imagenet", Report("m", 1, 0, 1)));
    }

    [Fact]
    public void JobsOfSeveralViewsMakeARowPerModelAndViewWithAViewColumn()
    {
        var table = new SuiteTable("family", ["imagenet", "ten"]);
        table.Add("imagenet", Report("x", 4, 3, 4) with { View = "center" }, "alpha", "center");
        table.Add("imagenet", Report("x", 4, 2, 4) with { View = "64@1" }, "alpha", "64@1");
        table.Add("imagenet", Report("x", 4, 1, 3) with { View = "center" }, "beta", "center");
        // An entry whose own view replaced the command line's: a job of one view, its row the model alone.
        table.Add("ten", Report("x", 4, 4, 4) with { View = "tencrop" }, "alpha");

        Assert.Equal([new SuiteRow("alpha", "center"), new SuiteRow("alpha", "64@1"), new SuiteRow("beta", "center"), new SuiteRow("alpha", null)], table.Rows);
        Assert.Equal(["alpha", "beta"], table.Models);
        Assert.Equal(
            [
                "model,view,imagenet_top1,imagenet_top5,imagenet_state,ten_top1,ten_top5,ten_state",
                "alpha,center,75,100,completed,,,",
                "alpha,64@1,50,100,completed,,,",
                "beta,center,25,75,completed,,,",
                "alpha,,,,,100,100,completed",
            ], table.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var markdown = table.ToMarkdown().Split('\n');
        Assert.Equal("| model | view | imagenet | ten |", markdown[0]);
        Assert.Equal("|---|---|---|---|", markdown[1]);
        Assert.Equal("| alpha | 64@1 | 50 / 100 | not evaluated |", markdown[3]);
        // The view is a row's where the row names it, the dataset's convention where it does not.
        Assert.Equal([("ten", "view tencrop")], table.Conventions());
    }

    [Fact]
    public void TheSuitesResultsHaveARowPerModelAndViewWithTheViewLastWhenSomeJobScoredSeveral()
    {
        static string Csv(string model, string view) => $"{ReportWriter.ResultsCsvHeader}\n{model},1,2,{view}\n";
        var several = new JobResults(JobState.Completed, "{}", "combined", "/o/plain")
        {
            Evaluations = [new EvaluationResults("a", "center", "a", "{}", Csv("a", "c")), new EvaluationResults("b", "center", "b", "{}", Csv("b", "c"))],
        };
        var single = new JobResults(JobState.Completed, ReportWriter.ToJson(Report("a", 1, 1, 1) with { View = "tencrop" }), Csv("a", "t"), "/o/ten");

        var combined = SuiteJobs.CombinedResults([(new SuiteMember("plain", "s.plain"), several), (new SuiteMember("gone", "s.gone"), null), (new SuiteMember("ten", "s.ten"), single)])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([$"dataset,{ReportWriter.ResultsCsvHeader},view", "plain,a,1,2,c,center", "plain,b,1,2,c,center", "ten,a,1,2,t,tencrop"], combined);
        // Jobs of one evaluation each: the rows as each job's results.csv, no view column.
        Assert.Equal([$"dataset,{ReportWriter.ResultsCsvHeader}", "ten,a,1,2,t"], SuiteJobs.CombinedResults([(new SuiteMember("ten", "s.ten"), single)]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
