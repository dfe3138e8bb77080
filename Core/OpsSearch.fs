/// Differentiable sorting, searching and the reductions beyond OpsReduce: prod, cumprod, sort,
/// topk, kthvalue, median, std/var with correction, p-norms.
module internal Nabla.OpsSearch
