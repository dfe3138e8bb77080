namespace Nabla.Data
