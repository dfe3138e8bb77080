namespace Nabla.Optimizers
