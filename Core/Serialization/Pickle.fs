namespace Nabla

open System
open System.Collections.Generic
open System.IO
open System.Text

/// The values a PyTorch file's pickle may hold, as Nabla reads and writes them: plain containers
/// and numbers, plus the two things PyTorch adds (a persistent id naming a storage record, and a
/// call to one of the few allowed functions, recorded but never executed).
[<NoEquality; NoComparison>]
type internal PickleValue =
    | PNone
    | PBool of bool
    | PInt of int64
    | PFloat of float
    | PString of string
    | PBytes of byte[]
    | PTuple of PickleValue list
    | PList of List<PickleValue>
    /// A dict or an OrderedDict, keeping insertion order.
    | PDict of List<PickleValue * PickleValue>
    /// A global from the allowed list (module, name).
    | PGlobal of string * string
    /// A persistent id (PyTorch: ('storage', storage type, key, location, numel)).
    | PPersistent of PickleValue
    /// A call of an allowed global with its arguments, left for the caller to interpret.
    | PCall of string * string * PickleValue list
    /// A tensor, resolved by the caller (writer side; the reader produces PCall).
    | PTensor of Tensor

/// A restricted unpickler and a small pickler (protocol 2): only the opcodes PyTorch's
/// `torch.save` emits for state dicts are understood, and GLOBAL may name only the functions
/// and classes in `allowedGlobals`. Nothing in the file is ever executed or instantiated: a
/// call (REDUCE) becomes a PCall value that the caller interprets for the allowed globals only.
module internal Pickle =

    /// The globals a file may name: tensor rebuilding, OrderedDict and the storage types.
    let storageTypes =
        [
            "FloatStorage"
            "DoubleStorage"
            "HalfStorage"
            "BFloat16Storage"
            "LongStorage"
            "IntStorage"
            "ShortStorage"
            "CharStorage"
            "ByteStorage"
            "BoolStorage"
        ]

    let allowedGlobals =
        set
            [
                "torch._utils", "_rebuild_tensor_v2"
                "torch._utils", "_rebuild_parameter"
                "collections", "OrderedDict"
                for s in storageTypes do
                    "torch", s
            ]

    let private fail (file: string) (what: string) =
        raise (InvalidDataException $"{file}: {what}")

    /// Equality of dict keys (numbers, strings, tuples of them); containers never equal.
    let rec keyEquals (a: PickleValue) (b: PickleValue) =
        match a, b with
        | PNone, PNone -> true
        | PBool x, PBool y -> x = y
        | PInt x, PInt y -> x = y
        | PFloat x, PFloat y -> x = y
        | PString x, PString y -> x = y
        | PBytes x, PBytes y -> x = y
        | PTuple xs, PTuple ys -> xs.Length = ys.Length && List.forall2 keyEquals xs ys
        | _ -> false

    /// Reads a pickle from `data`; `file` names the source in every error.
    let read (file: string) (data: byte[]) : PickleValue =
        let mutable pos = 0
        let stack = Stack<PickleValue>()
        let marks = Stack<int>()
        let memo = Dictionary<int64, PickleValue>()
        let mutable result = None

        let bad (what: string) =
            fail file $"the pickle (data.pkl) is invalid at byte {pos}: {what}"

        let need n =
            if n < 0 || pos + n > data.Length then
                bad $"it ends early (needs {n} more bytes, {data.Length - pos} left)"

        let byte1 () =
            need 1
            pos <- pos + 1
            int data[pos - 1]

        let take n =
            need n
            let s = data[pos .. pos + n - 1]
            pos <- pos + n
            s

        let u16 () =
            let b = take 2
            int b[0] ||| (int b[1] <<< 8)

        let i32 () =
            let b = take 4
            BitConverter.ToInt32(b, 0)

        let u32len () =
            let n = i32 ()

            if n < 0 then
                bad $"a negative length {n}"

            n

        let line () =
            let start = pos

            while pos < data.Length && data[pos] <> 10uy do
                pos <- pos + 1

            if pos >= data.Length then
                bad "a text line without its end"

            let s = Encoding.ASCII.GetString(data, start, pos - start)
            pos <- pos + 1
            s

        let utf8 (b: byte[]) =
            try
                UTF8Encoding(false, true).GetString b
            with _ ->
                bad "a string that is not valid UTF-8"

        let pop () =
            if stack.Count = 0 then
                bad "an opcode needs a value but the stack is empty"

            if marks.Count > 0 && stack.Count <= marks.Peek() then
                bad "an opcode takes a value from below the mark"

            stack.Pop()

        let popMark () =
            if marks.Count = 0 then
                bad "an opcode needs a mark but there is none"

            let m = marks.Pop()

            let items =
                [
                    while stack.Count > m do
                        stack.Pop()
                ]
                |> List.rev

            items

        let top () =
            if stack.Count = 0 || (marks.Count > 0 && stack.Count <= marks.Peek()) then
                bad "an opcode needs a value but the stack is empty"

            stack.Peek()

        let glob (m: string) (n: string) =
            if not (allowedGlobals.Contains(m, n)) then
                fail
                    file
                    $"the pickle refers to the global '{m}.{n}', which Nabla does not load (it loads only tensors and plain containers: not code or other objects)."

            PGlobal(m, n)

        let setItems (d: PickleValue) (items: PickleValue list) =
            match d with
            | PDict entries ->
                if items.Length % 2 <> 0 then
                    bad "SETITEMS with an odd number of values"

                for kv in List.chunkBySize 2 items do
                    let k = kv[0]

                    match k with
                    | PList _
                    | PDict _
                    | PTensor _
                    | PCall _ -> bad "a dict key that is not a number, string or tuple"
                    | _ -> ()

                    let i = entries.FindIndex(fun (k2, _) -> keyEquals k2 k)

                    if i >= 0 then
                        entries[i] <- (k, kv[1])
                    else
                        entries.Add((k, kv[1]))
            | _ -> bad "SETITEM(S) on something that is not a dict"

        let call (f: PickleValue) (args: PickleValue) =
            match f, args with
            | PGlobal("collections", "OrderedDict"), PTuple [] -> PDict(List())
            | PGlobal(m, n), PTuple args when m.StartsWith "torch" -> PCall(m, n, args)
            | PGlobal(m, n), _ -> bad $"an unexpected call of {m}.{n}"
            | _ -> bad "a call (REDUCE) of something that is not an allowed global"

        while result.IsNone do
            let op = byte1 ()

            match char op with
            | '\x80' -> // PROTO
                let v = byte1 ()

                if v > 5 then
                    bad $"pickle protocol {v} is not supported"
            | '\x95' -> take 8 |> ignore // FRAME
            | '.' -> result <- Some(pop ()) // STOP
            | '(' -> marks.Push stack.Count // MARK
            | 'N' -> stack.Push PNone
            | '\x88' -> stack.Push(PBool true)
            | '\x89' -> stack.Push(PBool false)
            | 'J' -> stack.Push(PInt(int64 (i32 ()))) // BININT
            | 'K' -> stack.Push(PInt(int64 (byte1 ()))) // BININT1
            | 'M' -> stack.Push(PInt(int64 (u16 ()))) // BININT2
            | '\x8a' -> // LONG1
                let n = byte1 ()

                if n > 8 then
                    bad $"an integer of {n} bytes (more than 64 bits)"

                let b = take n
                let mutable v = 0L

                for i in n - 1 .. -1 .. 0 do
                    v <- (v <<< 8) ||| int64 b[i]

                if n > 0 && n < 8 && b[n - 1] >= 0x80uy then
                    v <- v - (1L <<< (8 * n))

                stack.Push(PInt v)
            | 'G' -> // BINFLOAT (big-endian)
                let b = take 8
                Array.Reverse b
                stack.Push(PFloat(BitConverter.ToDouble(b, 0)))
            | 'X' -> stack.Push(PString(utf8 (take (u32len ())))) // BINUNICODE
            | '\x8c' -> stack.Push(PString(utf8 (take (byte1 ())))) // SHORT_BINUNICODE
            | 'T' -> stack.Push(PString(Encoding.Latin1.GetString(take (u32len ())))) // BINSTRING
            | 'U' -> stack.Push(PString(Encoding.Latin1.GetString(take (byte1 ())))) // SHORT_BINSTRING
            | 'B' -> stack.Push(PBytes(take (u32len ()))) // BINBYTES
            | 'C' -> stack.Push(PBytes(take (byte1 ()))) // SHORT_BINBYTES
            | '}' -> stack.Push(PDict(List()))
            | ']' -> stack.Push(PList(List()))
            | ')' -> stack.Push(PTuple [])
            | 't' -> stack.Push(PTuple(popMark ()))
            | '\x85' -> stack.Push(PTuple [ pop () ])
            | '\x86' ->
                let b = pop ()
                let a = pop ()
                stack.Push(PTuple [ a; b ])
            | '\x87' ->
                let c = pop ()
                let b = pop ()
                let a = pop ()
                stack.Push(PTuple [ a; b; c ])
            | 'a' -> // APPEND
                let v = pop ()

                match top () with
                | PList l -> l.Add v
                | _ -> bad "APPEND to something that is not a list"
            | 'e' -> // APPENDS
                let items = popMark ()

                match top () with
                | PList l -> l.AddRange items
                | _ -> bad "APPENDS to something that is not a list"
            | 's' -> // SETITEM
                let v = pop ()
                let k = pop ()
                setItems (top ()) [ k; v ]
            | 'u' -> // SETITEMS
                let items = popMark ()
                setItems (top ()) items
            | 'q' -> memo[int64 (byte1 ())] <- top () // BINPUT
            | 'r' -> memo[int64 (u32len ())] <- top () // LONG_BINPUT
            | '\x94' -> memo[int64 memo.Count] <- top () // MEMOIZE
            | 'h'
            | 'j' as o -> // BINGET, LONG_BINGET
                let i = if o = 'h' then byte1 () else u32len ()

                match memo.TryGetValue(int64 i) with
                | true, v -> stack.Push v
                | _ -> bad $"a memo reference {i} that was never stored"
            | 'c' -> // GLOBAL
                let m = line ()
                let n = line ()
                stack.Push(glob m n)
            | '\x93' -> // STACK_GLOBAL
                let n = pop ()
                let m = pop ()

                match m, n with
                | PString m, PString n -> stack.Push(glob m n)
                | _ -> bad "STACK_GLOBAL without two strings"
            | 'Q' -> stack.Push(PPersistent(pop ())) // BINPERSID
            | 'R' -> // REDUCE
                let args = pop ()
                let f = pop ()
                stack.Push(call f args)
            | 'b' -> // BUILD: only the attributes PyTorch gives an OrderedDict (_metadata), ignored
                let state = pop ()

                match top (), state with
                | PDict _, (PDict _ | PNone) -> ()
                | _ -> bad "BUILD (setting an object's state) on something other than a dict"
            | _ -> bad $"opcode 0x{op:x2} ('{char op}') is not one Nabla reads (only tensors and plain containers)"

        if pos <> data.Length then
            bad $"{data.Length - pos} bytes follow the end of the pickle"

        result.Value

    /// Writes a pickle (protocol 2). Each PTensor is first turned by `tensor` into the value that
    /// stands for it in the file (TorchFile: a _rebuild_tensor_v2 call over a persistent id).
    let write (tensor: Tensor -> PickleValue) (value: PickleValue) : byte[] =
        use ms = new MemoryStream()
        let op (c: char) = ms.WriteByte(byte c)
        let bytes (b: byte[]) = ms.Write(b, 0, b.Length)

        let i32 (v: int) = bytes (BitConverter.GetBytes v)

        let rec w (v: PickleValue) =
            match v with
            | PNone -> op 'N'
            | PBool true -> op '\x88'
            | PBool false -> op '\x89'
            | PInt v when v >= 0L && v < 256L ->
                op 'K'
                ms.WriteByte(byte v)
            | PInt v when v >= int64 Int32.MinValue && v <= int64 Int32.MaxValue ->
                op 'J'
                i32 (int v)
            | PInt v ->
                op '\x8a'
                ms.WriteByte 8uy
                bytes (BitConverter.GetBytes v)
            | PFloat f ->
                op 'G'
                let b = BitConverter.GetBytes f
                Array.Reverse b
                bytes b
            | PString s ->
                let b = Encoding.UTF8.GetBytes s
                op 'X'
                i32 b.Length
                bytes b
            | PBytes b ->
                op 'B'
                i32 b.Length
                bytes b
            | PTuple [] -> op ')'
            | PTuple items ->
                op '('
                List.iter w items
                op 't'
            | PList items ->
                op ']'

                if items.Count > 0 then
                    op '('
                    Seq.iter w items
                    op 'e'
            | PDict entries ->
                op '}'

                if entries.Count > 0 then
                    op '('

                    for k, v in entries do
                        w k
                        w v

                    op 'u'
            | PGlobal(m, n) ->
                op 'c'
                bytes (Encoding.ASCII.GetBytes $"{m}\n{n}\n")
            | PPersistent id ->
                w id
                op 'Q'
            | PCall("collections", "OrderedDict", [ PDict entries ]) ->
                w (PGlobal("collections", "OrderedDict"))
                op ')'
                op 'R'

                if entries.Count > 0 then
                    op '('

                    for k, v in entries do
                        w k
                        w v

                    op 'u'
            | PCall(m, n, args) ->
                w (PGlobal(m, n))
                w (PTuple args)
                op 'R'
            | PTensor t -> w (tensor t)

        op '\x80'
        ms.WriteByte 2uy
        w value
        op '.'
        ms.ToArray()
