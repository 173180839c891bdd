#!/usr/bin/env python3
"""Times PyTorch training steps and evaluation forwards of the two baselines of `bitnas bench train`.

The networks are built here in plain PyTorch to match docs/DESIGN.md (The baselines) and
configs/baselines/*.yaml at full width (layer_channels 64, 64, 64, 128, 128, 256, 256, 512, 512;
cell_layout [0, 0, 1, 0, 1, 0, 1, 0], cells 3, 5 and 7 reduce with stride 2):

  xnor_resnet18 (AWNAS XNOR ResNet18): stem Conv3x3 -> BN -> ReLU; each cell
      n1 = unit(x) + skip(x), out = unit(n1) + n1, a unit being BN -> binary conv 3x3 -> ReLU
      (bn_conv_relu) with channel scale alpha_o = mean|W[o]| (gradient stopped), zero padding,
      activation STE t = 1.3, weight STE clip (grad * 1{|W| <= 1}, W clamped to [-1, 1] after
      each step); skip = identity, or at stride 2 FP Conv1x1 s2 -> BN -> ReLU;
      head global average pool -> FC.
  resnete18 (BMXNet-v2 ResNetE-18): thumbnail stem BN(no affine, eps 2e-5) -> Conv3x3 -> BN;
      each cell n1 = BN(binconv(sign(x))) + shortcut(x), out = BN(binconv(sign(n1))) + n1
      (sign_conv_bn, no ReLU), no weight scale, pad -1 (F.pad then a conv without padding),
      activation STE t = 1.0, weight STE identity; shortcut = identity, or at stride 2
      AvgPool2x2 -> FP Conv1x1 -> BN; head ReLU -> global average pool -> FC.

sign() is a custom autograd Function: forward sign with sign(0) = +1, backward grad * 1{|x| <= t}.
A binary conv is F.conv2d on the +-1 tensors (float arithmetic, as aw_nas and BMXNet-v2 train).
NCHW float32, Adam (lr 1e-3, no weight decay), softmax cross-entropy, one fixed random batch.
Each phase is warmed up, then the median of --steps steps is reported as one JSON object with
the keys of `bitnas bench train --json`: train_img_per_s, eval_img_per_s, peak_rss_mb (the
process's ru_maxrss, which includes the Python interpreter and the torch libraries), model,
threads, params, ...

Debian's package is enough: `apt-get install -y python3-torch`, then run this script with the
system interpreter /usr/bin/python3 (a pyenv or venv python3 earlier in PATH does not see
Debian's dist-packages and fails with "No module named 'torch'"):

    ./build/bitnas bench train --model xnor_resnet18 --threads 2 --json > bitnas.json
    /usr/bin/python3 bench/torch_train.py --model xnor_resnet18 --threads 2 \\
        --bitnas ./build/bitnas > torch.json
    /usr/bin/python3 bench/torch_train.py --compare bitnas.json torch.json

With --bitnas, the script runs `bitnas describe MODEL --input CxHxW --classes N --json` and
checks that the PyTorch model has exactly its total parameter count (it exits with an error
otherwise). --compare reads the two saved outputs (one JSON object per line; several models
may be concatenated) and prints bitnas / torch ratios; it needs no torch.
"""

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time

MODELS = ("xnor_resnet18", "resnete18")
LAYER_CHANNELS = [64, 64, 64, 128, 128, 256, 256, 512, 512]
CELL_LAYOUT = [0, 0, 1, 0, 1, 0, 1, 0]
REDUCE_GROUPS = {1}


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def input_spec(text):
    parts = text.split("x")
    try:
        dims = [int(p) for p in parts]
    except ValueError:
        dims = []
    if len(dims) != 3 or min(dims) < 1:
        raise argparse.ArgumentTypeError(
            f"'{text}': expected CxHxW (channels x height x width), e.g. 3x32x32")
    return tuple(dims)


def build_model(name, in_channels, num_classes):
    """The PyTorch network of `name`; torch is imported lazily so --compare runs without it."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class SignSte(torch.autograd.Function):
        """sign with sign(0) = +1; backward grad * 1{|x| <= threshold}."""

        @staticmethod
        def forward(ctx, x, threshold):
            ctx.save_for_backward(x)
            ctx.threshold = threshold
            return torch.where(x < 0, -torch.ones_like(x), torch.ones_like(x))

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * (x.abs() <= ctx.threshold).to(grad.dtype), None

    class SignIdentity(torch.autograd.Function):
        """sign with sign(0) = +1; the gradient passes unchanged (BMXNet's weight STE)."""

        @staticmethod
        def forward(ctx, w):
            return torch.where(w < 0, -torch.ones_like(w), torch.ones_like(w))

        @staticmethod
        def backward(ctx, grad):
            return grad

    class BinaryConv2d(nn.Module):
        def __init__(self, c_in, c_out, stride, pad_value, channel_scale, ste_threshold,
                     weight_clip):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(c_out, c_in, 3, 3))
            nn.init.kaiming_uniform_(self.weight, a=5 ** 0.5)  # nn.Conv2d's default
            self.weight.binary_clip = weight_clip
            self.stride = stride
            self.pad_value = pad_value
            self.channel_scale = channel_scale
            self.ste_threshold = ste_threshold
            self.weight_clip = weight_clip

        def forward(self, x):
            xb = SignSte.apply(x, self.ste_threshold)
            if self.weight_clip:
                wb = SignSte.apply(self.weight, 1.0)  # grad * 1{|W| <= 1}
            else:
                wb = SignIdentity.apply(self.weight)
            if self.channel_scale:  # alpha_o = mean |W[o]|, a constant in backward
                wb = wb * self.weight.detach().abs().mean(dim=(1, 2, 3), keepdim=True)
            if self.pad_value == 0.0:
                return F.conv2d(xb, wb, stride=self.stride, padding=1)
            return F.conv2d(F.pad(xb, (1, 1, 1, 1), value=self.pad_value), wb,
                            stride=self.stride)

    def conv1x1(c_in, c_out, stride=1):
        return nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False)

    class XnorUnit(nn.Module):  # bn_conv_relu
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.bn = nn.BatchNorm2d(c_in)
            self.conv = BinaryConv2d(c_in, c_out, stride, 0.0, True, 1.3, True)

        def forward(self, x):
            return F.relu(self.conv(self.bn(x)))

    class ResnetEUnit(nn.Module):  # sign_conv_bn
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.conv = BinaryConv2d(c_in, c_out, stride, -1.0, False, 1.0, False)
            self.bn = nn.BatchNorm2d(c_out)

        def forward(self, x):
            return self.bn(self.conv(x))

    class Cell(nn.Module):
        """n1 = unit(x) + skip(x); out = unit(n1) + n1 (the 2-node baseline cell)."""

        def __init__(self, unit, downsample, c_in, c_out, stride):
            super().__init__()
            self.op1 = unit(c_in, c_out, stride)
            self.skip = (nn.Identity() if stride == 1 and c_in == c_out
                         else downsample(c_in, c_out, stride))
            self.op2 = unit(c_out, c_out, 1)

        def forward(self, x):
            n1 = self.op1(x) + self.skip(x)
            return self.op2(n1) + n1

    if name == "xnor_resnet18":
        stem = nn.Sequential(nn.Conv2d(in_channels, LAYER_CHANNELS[0], 3, padding=1, bias=False),
                             nn.BatchNorm2d(LAYER_CHANNELS[0]), nn.ReLU())
        unit = XnorUnit

        def downsample(c_in, c_out, stride):
            return nn.Sequential(conv1x1(c_in, c_out, stride), nn.BatchNorm2d(c_out), nn.ReLU())

        head_relu = False
    elif name == "resnete18":
        stem = nn.Sequential(nn.BatchNorm2d(in_channels, affine=False, eps=2e-5),
                             nn.Conv2d(in_channels, LAYER_CHANNELS[0], 3, padding=1, bias=False),
                             nn.BatchNorm2d(LAYER_CHANNELS[0]))
        unit = ResnetEUnit

        def downsample(c_in, c_out, stride):
            return nn.Sequential(nn.AvgPool2d(stride, stride, ceil_mode=True),
                                 conv1x1(c_in, c_out), nn.BatchNorm2d(c_out))

        head_relu = True
    else:
        raise ValueError(f"unknown model {name}")

    cells = []
    for layer, group in enumerate(CELL_LAYOUT):
        stride = 2 if group in REDUCE_GROUPS else 1
        cells.append(Cell(unit, downsample, LAYER_CHANNELS[layer], LAYER_CHANNELS[layer + 1],
                          stride))
    head = [nn.ReLU()] if head_relu else []
    head += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(LAYER_CHANNELS[-1], num_classes)]
    return nn.Sequential(stem, *cells, *head)


def bitnas_params(bitnas, model, input_text, classes):
    """Total parameters of `bitnas describe MODEL --json`."""
    out = subprocess.run([bitnas, "describe", model, "--input", input_text, "--classes",
                          str(classes), "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["total"]["params"]


def bench(args):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    c, h, w = args.input
    input_text = f"{c}x{h}x{w}"
    model = build_model(args.model, c, args.classes)
    params = sum(p.numel() for p in model.parameters())
    result_extra = {}
    if args.bitnas:
        expected = bitnas_params(args.bitnas, args.model, input_text, args.classes)
        print(f"params: torch {params}, bitnas describe {expected}", file=sys.stderr)
        if expected != params:
            sys.exit(f"torch_train.py: the PyTorch {args.model} has {params} parameters, "
                     f"bitnas describe reports {expected}: the models differ")
        result_extra["bitnas_params"] = expected

    x = torch.randn(args.batch, c, h, w)
    labels = torch.randint(0, args.classes, (args.batch,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=0.0)
    clipped = [p for p in model.parameters() if getattr(p, "binary_clip", False)]

    # bfloat16 autocast: convolutions and linear layers run in bfloat16 (forward and backward),
    # the rest in float32, as torch.autocast on CPU decides.
    def precision():
        if args.autocast == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        with precision():
            loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for p in clipped:
                p.clamp_(-1.0, 1.0)
        return loss.item()

    def eval_forward():
        with torch.no_grad(), precision():
            return model(x)[0, 0].float().item()

    def timed(f):
        start = time.perf_counter()
        f()
        return (time.perf_counter() - start) * 1e3

    model.train()
    for _ in range(args.warmup):
        train_step()
    train_ms = statistics.median(timed(train_step) for _ in range(args.steps))
    model.eval()
    for _ in range(args.warmup):
        eval_forward()
    eval_ms = statistics.median(timed(eval_forward) for _ in range(args.steps))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    result = {"benchmark": "train", "program": "torch", "model": args.model,
              "input": input_text, "classes": args.classes, "batch": args.batch,
              "threads": args.threads, "torch_version": torch.__version__,
              "autocast": args.autocast,
              "steps": args.steps, "warmup": args.warmup, "params": params, **result_extra,
              "train_ms": train_ms, "eval_ms": eval_ms,
              "train_img_per_s": args.batch / (train_ms / 1e3),
              "eval_img_per_s": args.batch / (eval_ms / 1e3), "peak_rss_mb": peak_rss_mb}
    print(json.dumps(result), flush=True)


def read_json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def median_rows(rows, key):
    """One row per key, each number the median over the rows with that key (repeated runs)."""
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    merged = {}
    for k, group in groups.items():
        row = dict(group[0])
        for field in ("train_img_per_s", "eval_img_per_s", "peak_rss_mb"):
            row[field] = statistics.median(r[field] for r in group)
        row["runs"] = len(group)
        merged[k] = row
    return merged


def compare(bitnas_path, torch_path):
    """Ratios bitnas / torch for every pair of rows of the same model, threads, batch and
    input; repeated runs of one setting are reduced to their medians first."""
    key = lambda row: (row["model"], row["threads"], row["batch"], row["input"])
    bitnas_rows = median_rows(read_json_lines(bitnas_path),
                              lambda r: key(r) + (r.get("backward_precision", "float32"),))
    torch_rows = median_rows(read_json_lines(torch_path),
                             lambda r: key(r) + (r.get("autocast", "none"),))
    print(f"{'model':<14} {'thr':>3} {'bitnas_bwd':>10} {'torch_cast':>10} {'runs':>5} "
          f"{'bitnas_train':>12} {'torch_train':>11} {'ratio':>6} {'bitnas_eval':>11} "
          f"{'torch_eval':>10} {'ratio':>6} {'rss_bitnas':>10} {'rss_torch':>9}")
    for bkey, row in bitnas_rows.items():
        others = [(tkey, t) for tkey, t in torch_rows.items() if tkey[:4] == bkey[:4]]
        if not others:
            print(f"{row['model']} threads {row['threads']}: no torch line with the same model, "
                  "threads, batch and input", file=sys.stderr)
        for tkey, other in others:
            if other.get("params") != row.get("params"):
                print(f"{row['model']}: parameter counts differ (bitnas {row.get('params')}, "
                      f"torch {other.get('params')})", file=sys.stderr)
            print(f"{row['model']:<14} {row['threads']:>3} {bkey[4]:>10} {tkey[4]:>10} "
                  f"{row['runs']:>2}/{other['runs']:<2} {row['train_img_per_s']:>12.1f} "
                  f"{other['train_img_per_s']:>11.1f} "
                  f"{row['train_img_per_s'] / other['train_img_per_s']:>6.2f} "
                  f"{row['eval_img_per_s']:>11.1f} {other['eval_img_per_s']:>10.1f} "
                  f"{row['eval_img_per_s'] / other['eval_img_per_s']:>6.2f} "
                  f"{row['peak_rss_mb']:>10.1f} {other['peak_rss_mb']:>9.1f}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Run with /usr/bin/python3 (Debian's python3-torch); see the module docstring.")
    parser.add_argument("--model", choices=MODELS, default="xnor_resnet18",
                        help="baseline network (default: %(default)s)")
    parser.add_argument("--input", type=input_spec, default=(3, 32, 32),
                        help="image size CxHxW (default: 3x32x32)")
    parser.add_argument("--batch", type=positive_int, default=64,
                        help="images per step (default: %(default)s)")
    parser.add_argument("--classes", type=positive_int, default=10,
                        help="number of classes (default: %(default)s)")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="torch.set_num_threads (default: every core of this process)")
    parser.add_argument("--steps", type=positive_int, default=10,
                        help="timed training steps and as many timed evaluation forwards; the "
                             "median is reported (default: %(default)s)")
    parser.add_argument("--warmup", type=non_negative_int, default=2,
                        help="untimed steps / forwards before each phase (default: %(default)s)")
    parser.add_argument("--autocast", choices=("none", "bfloat16"), default="none",
                        help="run the steps under torch.autocast('cpu', bfloat16) "
                             "(default: %(default)s, i.e. float32)")
    parser.add_argument("--bitnas", metavar="PATH",
                        help="bitnas executable: check the parameter count against "
                             "`bitnas describe MODEL --json` and fail if they differ")
    parser.add_argument("--compare", nargs=2, metavar=("BITNAS_JSON", "TORCH_JSON"),
                        help="print bitnas / torch ratios from saved outputs and exit")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if args.threads is None:
        import os
        args.threads = len(os.sched_getaffinity(0))
    bench(args)


if __name__ == "__main__":
    main()
