/// Functional index assignment (indexPut, maskedFill, scatter, scatterAdd, indexAdd), logic and
/// special values (isnan, nanToNum, ...), and the shape ops beyond OpsShape (repeat, tile, roll,
/// movedim, unflatten, unbind, meshgrid).
module internal Nabla.OpsIndex
