"""PyTorch's derivatives of a ** b at the edges (zero and negative bases, exponents 0 and 1, ...),
for Tests/Defects.fs, which holds the printed table. Regenerate with Debian's PyTorch:
    /usr/bin/python3 Tests/PyTorch/pow_edges.py
Each line: (a, b, a ** b, d/da with a tensor exponent, d/db, d/da with a float exponent).
"""
import torch
torch.set_default_dtype(torch.float64)
out=[]
for a in [0.0, -2.0, 2.0, -0.5]:
    for b in [0.0, 1.0, 2.0, 0.5, -1.0, 3.0]:
        x=torch.tensor(a,requires_grad=True); y=torch.tensor(b,requires_grad=True)
        z=x**y
        gx,gy=torch.autograd.grad(z,[x,y])
        x2=torch.tensor(a,requires_grad=True)
        (gs,)=torch.autograd.grad(x2**b,[x2])
        out.append((a,b,z.item(),gx.item(),gy.item(),gs.item()))
for o in out: print(o)
