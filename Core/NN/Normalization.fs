namespace Nabla.NN

open System
open System.Runtime.InteropServices
open Nabla
