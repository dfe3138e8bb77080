namespace Nabla
