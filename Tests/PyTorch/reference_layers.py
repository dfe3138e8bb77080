"""PyTorch's side of Tests/LayerTests.fs: Bilinear, the convolutions, pooling, the normalisation
layers and Embedding, in float64, with their state dicts, outputs, gradients and the state after
the forward pass (see emit_layers in common.py). Regenerate with
    /usr/bin/python3 Tests/PyTorch/reference_layers.py > Tests/PyTorch/reference_layers.json
"""
import torch
from torch import nn
from common import emit_layers

torch.manual_seed(0)


def one(m, *inputs):
    return m(*inputs)


def twice(m, x):
    """Two forward passes (on x and 2x + 1), so running statistics move twice."""
    return torch.cat([m(x).reshape(-1), m(2.0 * x + 1.0).reshape(-1)])


def randomized(m, running=False):
    """Non-trivial affine parameters (and running statistics) for the normalisation layers."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if name.endswith("weight") else 0.0))
        if running:
            m.running_mean.copy_(torch.randn_like(m.running_mean))
            m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
            m.num_batches_tracked.fill_(3)
    return m


idx = torch.tensor([[1, 0, 4], [9, 0, 4]])
cases = {
    # Bilinear
    "bilinear": (nn.Bilinear(3, 4, 2), [torch.randn(5, 3), torch.randn(5, 4)], one),
    "bilinear_no_bias_leading_dims": (nn.Bilinear(2, 3, 4, bias=False), [torch.randn(2, 3, 2), torch.randn(2, 3, 3)], one),
    "bilinear_unbatched": (nn.Bilinear(3, 2, 2), [torch.randn(3), torch.randn(2)], one),
    # Conv1d
    "conv1d": (nn.Conv1d(3, 4, 3), [torch.randn(2, 3, 7)], one),
    "conv1d_stride_padding_dilation_groups": (
        nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2),
        [torch.randn(2, 4, 9)],
        one,
    ),
    "conv1d_same_even_kernel": (nn.Conv1d(2, 3, 4, padding="same"), [torch.randn(2, 2, 6)], one),
    "conv1d_unbatched_no_bias": (nn.Conv1d(3, 2, 2, bias=False), [torch.randn(3, 5)], one),
    "conv1d_reflect": (nn.Conv1d(2, 2, 3, padding=2, padding_mode="reflect"), [torch.randn(1, 2, 5)], one),
    # Conv2d
    "conv2d_issue": (nn.Conv2d(3, 8, 3, stride=1, padding=1), [torch.randn(2, 3, 5, 5)], one),
    "conv2d_nonsquare_stride_padding": (
        nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0)),
        [torch.randn(2, 2, 6, 5)],
        one,
    ),
    "conv2d_dilation_groups_no_bias": (
        nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False),
        [torch.randn(1, 4, 7, 8)],
        one,
    ),
    "conv2d_depthwise_strided": (nn.Conv2d(3, 6, 3, groups=3, stride=2, padding=1), [torch.randn(2, 3, 6, 6)], one),
    "conv2d_same": (nn.Conv2d(2, 3, (4, 3), padding="same", dilation=(1, 2)), [torch.randn(1, 2, 6, 7)], one),
    "conv2d_valid": (nn.Conv2d(2, 2, 3, padding="valid"), [torch.randn(1, 2, 5, 5)], one),
    "conv2d_unbatched": (nn.Conv2d(3, 2, 3, padding=1), [torch.randn(3, 4, 5)], one),
    "conv2d_reflect": (nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"), [torch.randn(1, 2, 5, 6)], one),
    "conv2d_replicate": (nn.Conv2d(2, 3, 3, padding=2, padding_mode="replicate"), [torch.randn(1, 2, 4, 4)], one),
    "conv2d_circular": (nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular"), [torch.randn(2, 2, 4, 5)], one),
    "conv2d_same_circular": (
        nn.Conv2d(1, 2, (2, 3), padding="same", padding_mode="circular"),
        [torch.randn(1, 1, 4, 5)],
        one,
    ),
    # ConvTranspose2d
    "conv_transpose2d_stride2_output_padding": (
        nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
        [torch.randn(2, 3, 4, 4)],
        one,
    ),
    "conv_transpose2d_groups_dilation": (
        nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), groups=2, dilation=(1, 2), bias=False),
        [torch.randn(2, 4, 3, 4)],
        one,
    ),
    "conv_transpose2d_unbatched": (nn.ConvTranspose2d(2, 3, 2, stride=2), [torch.randn(2, 3, 3)], one),
    "conv_transpose2d_output_size": (
        nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1),
        [torch.randn(1, 2, 4, 4)],
        lambda m, x: m(x, output_size=[7, 8]),
    ),
    "conv_transpose1d_strided_grouped_dilated": (
        nn.ConvTranspose1d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2, bias=False),
        [torch.randn(2, 2, 5)],
        one,
    ),
    "conv_transpose1d_unbatched": (nn.ConvTranspose1d(3, 2, 2, stride=3), [torch.randn(3, 4)], one),
    "conv_transpose1d_output_size": (
        nn.ConvTranspose1d(2, 2, 3, stride=2),
        [torch.randn(1, 2, 4)],
        lambda m, x: m(x, output_size=[10]),
    ),
    # pooling, in small networks with a convolution
    "maxpool_net": (nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.MaxPool2d(2)), [torch.randn(2, 2, 6, 6)], one),
    "maxpool_strided_padded": (
        nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d((3, 2), stride=(2, 1), padding=1)),
        [torch.randn(2, 1, 7, 6)],
        one,
    ),
    "maxpool_unbatched": (nn.Sequential(nn.Conv2d(2, 2, 1), nn.MaxPool2d(2)), [torch.randn(2, 4, 4)], one),
    "avgpool_net": (nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.AvgPool2d(2)), [torch.randn(2, 2, 6, 6)], one),
    "avgpool_padded_exclude_pad": (
        nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
        [torch.randn(2, 1, 7, 8)],
        one,
    ),
    "avgpool_divisor_override": (
        nn.Sequential(nn.Conv2d(1, 2, 1), nn.AvgPool2d((2, 3), stride=(1, 2), padding=1, divisor_override=4)),
        [torch.randn(1, 1, 5, 6)],
        one,
    ),
    "adaptive_avgpool_net": (
        nn.Sequential(nn.Conv2d(2, 3, 3), nn.AdaptiveAvgPool2d((3, 2))),
        [torch.randn(2, 2, 7, 8)],
        one,
    ),
    "adaptive_avgpool_global_head": (
        nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 2)),
        [torch.randn(2, 2, 5, 6)],
        one,
    ),
    "maxpool1d_net": (
        nn.Sequential(nn.Conv1d(2, 3, 3, padding=1), nn.MaxPool1d(3, stride=2, padding=1)),
        [torch.randn(2, 2, 9)],
        one,
    ),
    "avgpool1d_exclude_pad": (
        nn.Sequential(nn.Conv1d(2, 3, 2), nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)),
        [torch.randn(2, 2, 8)],
        one,
    ),
    "avgpool1d_unbatched": (nn.Sequential(nn.Conv1d(2, 2, 1), nn.AvgPool1d(2)), [torch.randn(2, 6)], one),
    "adaptive_avgpool1d_net": (nn.Sequential(nn.Conv1d(2, 3, 3), nn.AdaptiveAvgPool1d(4)), [torch.randn(2, 2, 11)], one),
    "flatten_convnet": (
        nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)),
        [torch.randn(2, 1, 6, 6)],
        one,
    ),
    # BatchNorm
    "batchnorm1d_train_2d": (randomized(nn.BatchNorm1d(4)), [torch.randn(6, 4)], twice),
    "batchnorm1d_train_3d": (randomized(nn.BatchNorm1d(3)), [torch.randn(5, 3, 4)], twice),
    "batchnorm1d_momentum_none": (randomized(nn.BatchNorm1d(3, momentum=None)), [torch.randn(4, 3)], twice),
    "batchnorm1d_eval": (randomized(nn.BatchNorm1d(4), running=True).eval(), [torch.randn(5, 4)], one),
    "batchnorm1d_eval_3d": (randomized(nn.BatchNorm1d(2, eps=1e-3), running=True).eval(), [torch.randn(3, 2, 4)], one),
    "batchnorm2d_train": (randomized(nn.BatchNorm2d(3)), [torch.randn(4, 3, 3, 2)], twice),
    "batchnorm2d_eval": (randomized(nn.BatchNorm2d(3), running=True).eval(), [torch.randn(2, 3, 3, 2)], one),
    "batchnorm2d_no_affine_momentum": (nn.BatchNorm2d(3, affine=False, momentum=0.3), [torch.randn(2, 3, 2, 2)], twice),
    "batchnorm2d_no_tracking_eval": (
        randomized(nn.BatchNorm2d(3, track_running_stats=False)).eval(),
        [torch.randn(2, 3, 2, 3)],
        one,
    ),
    "batchnorm2d_momentum_none_train": (nn.BatchNorm2d(2, momentum=None), [torch.randn(3, 2, 2, 2)], twice),
    "batchnorm2d_in_convnet": (
        nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten()),
        [torch.randn(2, 2, 4, 5)],
        one,
    ),
    "batchnorm3d_train": (randomized(nn.BatchNorm3d(2)), [torch.randn(2, 2, 2, 3, 2)], twice),
    "batchnorm3d_eval": (randomized(nn.BatchNorm3d(2), running=True).eval(), [torch.randn(2, 2, 2, 1, 2)], one),
    # InstanceNorm
    "instancenorm1d": (nn.InstanceNorm1d(3), [torch.randn(2, 3, 5)], one),
    "instancenorm1d_unbatched_affine": (randomized(nn.InstanceNorm1d(3, affine=True)), [torch.randn(3, 5)], one),
    "instancenorm2d_tracking_train": (
        randomized(nn.InstanceNorm2d(2, affine=True, track_running_stats=True, momentum=0.2)),
        [torch.randn(3, 2, 3, 2)],
        twice,
    ),
    "instancenorm2d_tracking_eval": (
        randomized(nn.InstanceNorm2d(2, affine=True, track_running_stats=True), running=True).eval(),
        [torch.randn(2, 2, 3, 3)],
        one,
    ),
    "instancenorm3d": (nn.InstanceNorm3d(2, eps=1e-3), [torch.randn(2, 2, 2, 2, 3)], one),
    # LayerNorm, GroupNorm
    "layernorm": (randomized(nn.LayerNorm(4)), [torch.randn(3, 4)], one),
    "layernorm_2d_shape": (randomized(nn.LayerNorm([3, 4])), [torch.randn(2, 3, 4)], one),
    "layernorm_no_affine": (nn.LayerNorm(5, elementwise_affine=False, eps=1e-3), [torch.randn(2, 3, 5)], one),
    "groupnorm": (randomized(nn.GroupNorm(2, 6)), [torch.randn(3, 6, 4)], one),
    "groupnorm_4d": (randomized(nn.GroupNorm(3, 6, eps=1e-3)), [torch.randn(2, 6, 3, 2)], one),
    "groupnorm_no_affine": (nn.GroupNorm(1, 4, affine=False), [torch.randn(2, 4, 5)], one),
    # Embedding
    "embedding_padding": (nn.Embedding(10, 3, padding_idx=0), [idx], one),
    "embedding_negative_padding": (nn.Embedding(6, 2, padding_idx=-1), [torch.tensor([5, 1, 5, 2])], one),
    "embedding_max_norm": (nn.Embedding(5, 3, max_norm=1.0), [torch.tensor([[0, 2], [2, 4]])], one),
    "embedding_max_norm_p1": (nn.Embedding(4, 3, max_norm=1.5, norm_type=1.0), [torch.tensor([3, 1, 1])], one),
    "embedding_scale_grad_by_freq": (
        nn.Embedding(5, 3, scale_grad_by_freq=True),
        [torch.tensor([[0, 2, 2], [4, 2, 1]])],
        one,
    ),
    "embedding_from_pretrained": (
        nn.Embedding.from_pretrained(torch.randn(4, 3), freeze=False, padding_idx=1),
        [torch.tensor([1, 3, 1, 0])],
        one,
    ),
    "embedding_from_pretrained_frozen": (
        nn.Sequential(nn.Embedding.from_pretrained(torch.randn(4, 3)), nn.Linear(3, 2)),
        [torch.tensor([2, 0])],
        one,
    ),
}
emit_layers(cases)
