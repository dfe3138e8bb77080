namespace Nabla.FsCheck

// The property-testing package's code goes here (and in files beside it); see issue 10, part 3.
