namespace Nabla.Data

open System
open System.Globalization
open System.IO
open System.IO.Compression
open Nabla
open Nabla.Raw

/// Parsed numeric CSV: the header cells (if any) and the rows, all of one length.
type internal CsvTable =
    {
        Header: string[]
        Rows: float[][]
        /// The line number of each row in the file (from 1).
        Lines: int[]
        Columns: int
    }

/// Reading numeric CSV text and making tensors of it.
module internal CsvKernel =

    /// Opens a file, decompressing it when it is gzip (by its first two bytes, 1f 8b).
    let openText (path: string) : TextReader =
        let stream = File.OpenRead path
        let b0 = stream.ReadByte()
        let b1 = stream.ReadByte()
        stream.Seek(0L, SeekOrigin.Begin) |> ignore

        if b0 = 0x1f && b1 = 0x8b then
            new StreamReader(new GZipStream(stream, CompressionMode.Decompress))
        else
            new StreamReader(stream)

    /// Splits one line into trimmed cells (a cell in double quotes loses them).
    let cells (delimiter: char) (line: string) =
        line.Split delimiter
        |> Array.map (fun c ->
            let c = c.Trim()

            if c.Length >= 2 && c[0] = '"' && c[c.Length - 1] = '"' then
                c.Substring(1, c.Length - 2).Trim()
            else
                c)

    /// Reads every non-blank line; `name` is the file's name in messages.
    let parse (op: string) (name: string) (reader: TextReader) (header: bool) (delimiter: char) : CsvTable =
        let rows = ResizeArray<float[]>()
        let lines = ResizeArray<int>()
        let mutable head: string[] = null
        let mutable width = -1
        let mutable widthLine = 0
        let mutable lineNo = 0
        let mutable line = reader.ReadLine()

        while not (isNull line) do
            lineNo <- lineNo + 1

            if line.Trim().Length > 0 then
                let cs = cells delimiter line

                if header && isNull head then
                    head <- cs
                else
                    if width < 0 then
                        width <- cs.Length
                        widthLine <- lineNo
                    elif cs.Length <> width then
                        invalidOp
                            $"{op}: {name}, line {lineNo}: {cs.Length} columns, but line {widthLine} has {width}; every row must have the same number of columns (delimiter '{delimiter}')."

                    let row =
                        cs
                        |> Array.mapi (fun j c ->
                            match Double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture) with
                            | true, v -> v
                            | _ when c.Length = 0 ->
                                invalidOp $"{op}: {name}, line {lineNo}, column {j + 1}: the cell is empty; every cell must be a number."
                            | _ ->
                                let hint =
                                    if rows.Count = 0 && not header then
                                        " If the first line is a header, pass header = true."
                                    else
                                        ""

                                invalidOp $"{op}: {name}, line {lineNo}, column {j + 1}: '{c}' is not a number.{hint}")

                    rows.Add row
                    lines.Add lineNo

            line <- reader.ReadLine()

        {
            Header = (if isNull head then [||] else head)
            Rows = rows.ToArray()
            Lines = lines.ToArray()
            Columns = max width 0
        }

    /// A tensor [rows; columns] (or [rows] when `vector`) of the given columns, in a dtype.
    let tensorOf (op: string) (name: string) (table: CsvTable) (columns: int[]) (vector: bool) (dtype: Dtype) : Tensor =
        let n = table.Rows.Length
        let k = columns.Length
        let shape = if vector then [| n |] else [| n; k |]
        let value i j = table.Rows[i][columns[j]]

        let integral (lo: int64, hi: int64) =
            Array.init (n * k) (fun p ->
                let i, j = p / k, p % k
                let v = value i j

                if Double.IsNaN v || v <> Math.Round v || v < float lo || v > float hi then
                    invalidOp
                        $"{op}: {name}, line {table.Lines[i]}, column {columns[j] + 1}: {v} is not a value of dtype {dtype} (an integer in {lo} .. {hi})."

                v)

        let raw: RawTensor =
            match dtype with
            | Dtype.Float32 -> Raw.ofArrayFor op (Array.init (n * k) (fun p -> float32 (value (p / k) (p % k)))) shape Device.Cpu
            | Dtype.Float64 -> Raw.ofArrayFor op (Array.init (n * k) (fun p -> value (p / k) (p % k))) shape Device.Cpu
            | Dtype.Int64 -> Raw.ofArrayFor op (integral (Raw.exactIntegers dtype) |> Array.map int64) shape Device.Cpu
            | Dtype.Int32 -> Raw.ofArrayFor op (integral (Raw.exactIntegers dtype) |> Array.map int) shape Device.Cpu
            | Dtype.Bool
            | Dtype.UInt8
            | Dtype.Int8
            | Dtype.Int16 ->
                let values = integral (Raw.exactIntegers dtype)
                use r = Raw.ofArrayFor op values shape Device.Cpu
                guard1 op r (fun () -> r.to_type (toScalarType dtype))
            | _ ->
                use r =
                    Raw.ofArrayFor op (Array.init (n * k) (fun p -> value (p / k) (p % k))) shape Device.Cpu

                guard1 op r (fun () -> r.to_type (toScalarType dtype))

        Const raw

    /// Resolves column numbers (negative ones count from the end) against a width.
    let resolve (op: string) (name: string) (width: int) (columns: int[]) =
        columns
        |> Array.map (fun c ->
            let r = if c < 0 then width + c else c

            if r < 0 || r >= width then
                invalidArg
                    "labelColumns"
                    $"{op}: {name} has {width} columns (0 .. {width - 1}, or -{width} .. -1 from the end); got column {c}."

            r)

    /// Features and labels from a table: the label columns go to the labels, the rest (in order)
    /// to the features.
    let split (op: string) (name: string) (table: CsvTable) (labelColumns: int[]) (vector: bool) (dtype: Dtype) (labelDtype: Dtype) =
        let labels = resolve op name table.Columns labelColumns

        if (Array.distinct labels).Length <> labels.Length then
            invalidArg "labelColumns" $"{op}: the label columns %A{labelColumns} name a column twice."

        let features =
            [| 0 .. table.Columns - 1 |]
            |> Array.filter (fun c -> not (Array.contains c labels))

        tensorOf op name table features false dtype, tensorOf op name table labels vector labelDtype

    let read (op: string) (path: string) (header: bool) (delimiter: char) =
        if isNull path then
            raise (ArgumentNullException("path", $"{op}: the path is null."))

        if not (File.Exists path) then
            raise (FileNotFoundException($"{op}: the file '{path}' does not exist.", path))

        use reader = openText path
        parse op (Path.GetFileName path) reader header delimiter

/// Numeric CSV files (plain or gzip-compressed, such as .csv.gz) into tensors. Every cell must be
/// a number (invariant culture: '.' decimal point); blank lines are skipped. Malformed input
/// (a cell that is not a number, an empty cell, a row of another length) raises an
/// InvalidOperationException naming the file, line and column.
[<AbstractClass; Sealed>]
type Csv =

    /// The whole file as one tensor [rows; columns] of `dtype` (default float32). `header`
    /// (default false): the first non-blank line holds column names and is skipped. `delimiter`:
    /// default ','.
    static member load(path: string, ?header: bool, ?delimiter: char, ?dtype: Dtype) : Tensor =
        let table =
            CsvKernel.read "Csv.load" path (defaultArg header false) (defaultArg delimiter ',')

        CsvKernel.tensorOf "Csv.load" (IO.Path.GetFileName path) table [| 0 .. table.Columns - 1 |] false (defaultArg dtype Dtype.Float32)

    /// Features and labels: `labelColumn` (0-based; negative counts from the end, -1 the last)
    /// becomes a 1-D tensor [rows] of `labelDtype` (default int64, class indices; its cells must be
    /// integers), the other columns, in order, a tensor [rows; columns - 1] of `dtype` (default
    /// float32). `header`, `delimiter`: as in `load`.
    static member loadLabelled
        (path: string, labelColumn: int, ?header: bool, ?delimiter: char, ?dtype: Dtype, ?labelDtype: Dtype)
        : Tensor * Tensor =
        let table =
            CsvKernel.read "Csv.loadLabelled" path (defaultArg header false) (defaultArg delimiter ',')

        CsvKernel.split
            "Csv.loadLabelled"
            (IO.Path.GetFileName path)
            table
            [| labelColumn |]
            true
            (defaultArg dtype Dtype.Float32)
            (defaultArg labelDtype Dtype.Int64)

    /// Features and several label columns: the labels are a tensor [rows; labelColumns.Length] of
    /// `labelDtype` (default float32 here: regression targets), in the order given.
    static member loadLabelled
        (path: string, labelColumns: int[], ?header: bool, ?delimiter: char, ?dtype: Dtype, ?labelDtype: Dtype)
        : Tensor * Tensor =
        if isNull labelColumns || labelColumns.Length = 0 then
            invalidArg "labelColumns" "Csv.loadLabelled: give at least one label column."

        let table =
            CsvKernel.read "Csv.loadLabelled" path (defaultArg header false) (defaultArg delimiter ',')

        CsvKernel.split
            "Csv.loadLabelled"
            (IO.Path.GetFileName path)
            table
            labelColumns
            false
            (defaultArg dtype Dtype.Float32)
            (defaultArg labelDtype Dtype.Float32)

    /// The header cells of a file (its first non-blank line, split at `delimiter`).
    static member header(path: string, ?delimiter: char) : string[] =
        if isNull path then
            raise (ArgumentNullException("path", "Csv.header: the path is null."))

        if not (IO.File.Exists path) then
            raise (IO.FileNotFoundException($"Csv.header: the file '{path}' does not exist.", path))

        use reader = CsvKernel.openText path
        let mutable line = reader.ReadLine()

        while not (isNull line) && line.Trim().Length = 0 do
            line <- reader.ReadLine()

        if isNull line then
            [||]
        else
            CsvKernel.cells (defaultArg delimiter ',') line
