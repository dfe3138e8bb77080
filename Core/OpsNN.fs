/// Neural-network functions (torch.nn.functional's counterparts that layers need): transposed
/// convolution, adaptive pooling, normalisation, embedding, bilinear forms, attention.
module internal Nabla.OpsNN

open System
open TorchSharp
open Nabla.Raw
