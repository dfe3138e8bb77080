namespace Nabla.Training
