namespace Nabla.Data

open System
open System.IO
open System.IO.Compression
open Nabla

/// Small classic data sets embedded in Nabla.dll (no download, no file): the UCI handwritten
/// digits and Fisher's iris (the repository's data/README.md gives their source, citation and
/// licence, CC BY 4.0). Each call returns new tensors the caller owns.
[<AbstractClass; Sealed>]
type Datasets =

    static let table (resource: string) (header: bool) =
        lazy
            (let assembly = typeof<Datasets>.Assembly

             use stream = assembly.GetManifestResourceStream resource

             if isNull stream then
                 invalidOp $"Datasets: the resource {resource} is missing from Nabla.dll."

             use reader: TextReader =
                 if resource.EndsWith ".gz" then
                     new StreamReader(new GZipStream(stream, CompressionMode.Decompress))
                 else
                     new StreamReader(stream)

             CsvKernel.parse "Datasets" resource reader header ',')

    static let digitsTable = table "Nabla.Data.digits.csv.gz" false
    static let irisTable = table "Nabla.Data.iris.csv" true

    static let split (t: CsvTable) =
        CsvKernel.split "Datasets" "" t [| t.Columns - 1 |] true Dtype.Float32 Dtype.Int64

    /// The UCI optical recognition of handwritten digits test set (1797 images of 8×8 pixels,
    /// the copy scikit-learn ships as `load_digits`): images float32 [1797; 64] (row-major 8×8),
    /// pixel values the counts 0 .. 16, or divided by 16 into [0, 1] with `normalize = true`;
    /// labels int64 [1797], the digits 0 .. 9.
    static member digits(?normalize: bool) : Tensor * Tensor =
        let images, labels = split digitsTable.Value

        if defaultArg normalize false then
            images / 16.0, labels
        else
            images, labels

    /// Fisher's iris data (150 flowers, 50 of each of 3 species; the copy scikit-learn ships as
    /// `load_iris`): features float32 [150; 4] (sepal length, sepal width, petal length, petal
    /// width, in cm); labels int64 [150]: 0 setosa, 1 versicolor, 2 virginica (`irisClasses`).
    static member iris() : Tensor * Tensor = split irisTable.Value

    /// The iris species names, by label.
    static member irisClasses: string[] = irisTable.Value.Header[2..]
