namespace Nabla.NN
