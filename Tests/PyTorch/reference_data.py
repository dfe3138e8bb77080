"""Reference orders for Nabla.Data (Tests/DataTests.fs reads them): PyTorch's random_split and
DataLoader sample orders from seeded generators (explicit, and the global one after
torch.manual_seed), and what the global generator draws after a few epochs (a DataLoader draws from
it each epoch, shuffled or not). Run from the repository root:
    /usr/bin/python3 Tests/PyTorch/reference_data.py > Tests/PyTorch/reference_data.json
"""
import json
import torch
from torch.utils.data import DataLoader, TensorDataset, random_split

out = {}

# random_split: the subsets' indices, for fractions and for sizes
for name, n, lengths, seed in [
    ("split_20_0.7_0.3_seed42", 20, [0.7, 0.3], 42),
    ("split_10_0.25_0.25_0.5_seed3", 10, [0.25, 0.25, 0.5], 3),
    ("split_1797_0.8_0.2_seed0", 1797, [0.8, 0.2], 0),
    ("split_12_5_7_seed1", 12, [5, 7], 1),
]:
    parts = random_split(range(n), lengths, generator=torch.Generator().manual_seed(seed))
    out[name] = [list(p.indices) for p in parts]


def epochs(loader, k):
    return [[b[0].tolist() for b in loader] for _ in range(k)]


ids = TensorDataset(torch.arange(23))

# DataLoader with generator=torch.Generator().manual_seed(seed): three epochs of batches
for drop_last in [False, True]:
    g = torch.Generator().manual_seed(7)
    loader = DataLoader(ids, batch_size=5, shuffle=True, generator=g, drop_last=drop_last)
    out[f"loader_generator7_droplast_{drop_last}"] = epochs(loader, 3)

# the global generator: torch.manual_seed(5), two shuffled epochs, then three draws
torch.manual_seed(5)
out["loader_global5_shuffled"] = epochs(DataLoader(ids, batch_size=5, shuffle=True), 2)
out["loader_global5_shuffled_then_randint"] = torch.randint(0, 1000, (3,)).tolist()

# not shuffled: each epoch still draws one number from the global generator
torch.manual_seed(5)
out["loader_global5_sequential"] = epochs(DataLoader(ids, batch_size=5), 2)
out["loader_global5_sequential_then_randint"] = torch.randint(0, 1000, (3,)).tolist()

out["_generator"] = f"PyTorch {torch.__version__}"
print(json.dumps(out))
