namespace SENet.Evaluation.Datasets;

public enum LabelFormat
{
    /// <summary>Chosen from the file: Kaggle's header, a CSV, or Caffe's "name label" lines.</summary>
    Auto,

    /// <summary>Caffe's val.txt: <c>ILSVRC2012_val_00000001.JPEG 65</c>.</summary>
    CaffeValTxt,

    /// <summary>Kaggle's LOC_val_solution.csv (<c>ImageId,PredictionString</c>), classes from LOC_synset_mapping.txt.</summary>
    KaggleSolution,

    /// <summary><c>path,label</c> with an integer label or a class name.</summary>
    Csv,
}
