#!/usr/bin/env python3
"""A PyTorch-CPU peer of infinite-attention's Monte-Carlo estimators (issue 6, section 2).

It runs the networks of bench/configs.ts, read from the JSON that bench/run.ts writes, with the
parameterisation of docs/kernels.md and the forward pass of src/layers/ (NTK parameterisation:
every weight N(0, 1), every scale in the forward pass), N networks batched in every op:

  nngp         plain Monte Carlo, as users do it: the readout with n channels is sampled too, and a
               network's estimate is the mean over channels of f_c(x) f_c(y).
  ntk-jacrev   functorch's vmap(jacrev(f)) over networks, then J Jᵀ summed over parameters: how
               most users write an empirical NTK.
  ntk-gram     the fastest honest method written here: one forward and one backward pass (to the
               activations only, no weight gradients), then per parameterised linear map the
               elementwise product of the input Gram and the backpropagated-signal Gram, summed
               over the positions of each pair of inputs. Exact, not an approximation: see
               `ntk_gram`.

Usage:
  torch_peer.py bench  --input configs.json [--networks N] [--jacrev-networks N] [--threads K]
  torch_peer.py serve  --input configs.json [...]  (rounds on request: one JSON line in, one out)
  torch_peer.py verify --input params.json        (per-network kernels for given weights)

Prints one JSON object on stdout. Progress goes to stderr.
"""
import argparse
import json
import math
import resource
import sys
import time

import torch
from functorch import jacrev, vmap

torch.set_grad_enabled(False)


# -------------------------------------------------------------------------------------------------
# Spec → parameters


def param_decls(layers, width, T, prefix):
    """(key, shape, trainable) per parameter, keys as the TypeScript sampler names them: a layer at
    layers[2].block[0] owns `layers[2]|block[0]|WQ` (src/layers/sequential.ts, residual.ts)."""
    out = []
    for i, l in enumerate(layers):
        path = f"{prefix}[{i}]"
        t = l["type"]
        if t == "dense":
            out.append((f"{path}|W", (width, l["width"]), True))
            if l["bStd"] > 0:
                out.append((f"{path}|b", (l["width"],), True))
            width = l["width"]
        elif t == "attention":
            pe = l["posEmb"]
            n_pe, qk, v = pe_widths(pe, width)
            H, dk, dv = l["heads"], l["keyWidth"], l["valueWidth"]
            out.append((f"{path}|WQ", (qk, H * dk), True))
            if l["scaling"] == "sqrt":
                out.append((f"{path}|WK", (qk, H * dk), True))
            out.append((f"{path}|WV", (v, H * dv), True))
            out.append((f"{path}|WO", (H * dv, l["outWidth"]), True))
            if l["bStd"] > 0:
                out.append((f"{path}|b", (l["outWidth"],), True))
            if pe is not None:
                out.append((f"{path}|Zpe", (T, n_pe), pe["trainable"]))
            width = l["outWidth"]
        elif t == "residual":
            out += param_decls(l["block"], width, T, f"{path}|block")
        elif t == "globalAvgPool":
            T = 1
    return out


def pe_widths(pe, n):
    if pe is None:
        return 0, n, n
    if pe["decay"] is not None:
        raise NotImplementedError("the peer supports positional embeddings with R = I only (decay null)")
    if pe["type"] == "sum":
        return n, n, n
    n_pe = pe["channels"]
    return n_pe, n + n_pe, (n + n_pe) if pe["values"] else n


def draw(decls, N, gen):
    return {k: torch.randn((N,) + shape, generator=gen) for k, shape, _ in decls}


# -------------------------------------------------------------------------------------------------
# The forward pass (src/layers/*.ts, src/layers/attention/finite.ts)


class Ctx:
    def __init__(self, M, T, mask, masked):
        self.M, self.T, self.mask, self.masked = M, T, mask, masked  # mask: [M, T] float

    def mask4(self):
        return self.mask.reshape(1, self.M, self.T, 1)


class Recorder:
    """Collects, for the Gram NTK, every parameterised linear map z = x W (its input x and output
    z, which is made a differentiation target) and every positional-embedding probe."""

    def __init__(self):
        self.maps = []  # (x [B, R, a], z [N, R, b], rows per input, bias factor or None)
        self.probes = []  # (e [N, M, T, n_pe], σpe²)

    def target(self, z):
        # The first layer's z depends on no tensor that needs a gradient: make it a leaf that does.
        if not z.requires_grad:
            z = z.detach().requires_grad_()
        return z


def matmul_params(x, W):
    """x [B, R, a] (B = 1: shared by all networks, e.g. the inputs) times W [N, a, b] → [N, R, b].
    A shared x is one GEMM against all networks' weights side by side, [R, a] × [a, N·b]."""
    if x.shape[0] == 1 and W.shape[0] > 1:
        N, a, b = W.shape
        y = x[0] @ W.permute(1, 0, 2).reshape(a, N * b)
        return y.reshape(x.shape[1], N, b).permute(1, 0, 2)
    return torch.matmul(x, W)


def linear(x, W, scale, rec, rows, b=None, b_std=0.0):
    """y = scale · x W (+ σb b): every weighted map of the network goes through here."""
    z = matmul_params(x, W)
    if rec is not None:
        z = rec.target(z)
        rec.maps.append((x, z, rows, None))
        if b is not None:
            # ∂f/∂b = σb Σ_r ∂f/∂y_r = (σb/scale) Σ_r ∂f/∂z_r.
            rec.maps.append((None, z, rows, (b_std / scale) ** 2))
    y = z * scale
    if b is not None:
        y = y + b_std * b.unsqueeze(1)
    return y


def activation(name, x):
    if name == "relu":
        return torch.relu(x)
    if name == "erf":
        return torch.erf(x)
    if name == "abs":
        return torch.abs(x)
    if name == "identity":
        return x
    if name == "gelu":
        return 0.5 * x * (1 + torch.erf(x * math.sqrt(0.5)))
    if name == "tanh":
        return torch.tanh(x)
    raise ValueError(f"unknown activation {name}")


def attention(l, path, x, p, ctx, rec):
    B, M, T, n = x.shape
    pe = l["posEmb"]
    n_pe, qk, vw = pe_widths(pe, n)
    H, dk, dv = l["heads"], l["keyWidth"], l["valueWidth"]
    u = xv = x
    if pe is not None:
        Z = p[f"{path}|Zpe"]  # [N, T, n_pe]; P = Z as R = I
        Pm = pe["std"] * Z.unsqueeze(1)  # [N, 1, T, n_pe], one draw per network shared by the M inputs
        if rec is not None and pe["trainable"]:
            e = torch.zeros(Z.shape[0], M, T, n_pe, requires_grad=True)
            rec.probes.append((e, pe["std"] ** 2))
            Pm = Pm + e
        if ctx.masked:
            Pm = Pm * ctx.mask4()
        if pe["type"] == "sum":
            u = x + Pm
        else:
            N = Z.shape[0]
            u = torch.cat([x.expand(N, M, T, n), Pm.expand(N, M, T, n_pe)], dim=3)
        if pe["values"]:
            xv = u
    R = M * T

    def heads(y, d):  # [N, M·T, H·d] → [N, M, H, T, d]
        return y.reshape(y.shape[0], M, T, H, d).permute(0, 1, 3, 2, 4)

    uf = u.reshape(u.shape[0], R, qk)
    q = heads(linear(uf, p[f"{path}|WQ"], 1.0, rec, T), dk)
    k = q if l["scaling"] == "linear" else heads(linear(uf, p[f"{path}|WK"], 1.0, rec, T), dk)
    scale = l["wQStd"] * l["wKStd"] / (qk * (dk if l["scaling"] == "linear" else math.sqrt(dk)))
    G = torch.matmul(q, k.transpose(-1, -2)) * scale  # [N, M, H, T, T]
    keymask = ctx.mask.reshape(1, M, 1, 1, T)
    mech = l["mechanism"]
    if mech == "softmax":
        A = torch.softmax(G + (keymask - 1) * 1e9 if ctx.masked else G, dim=-1)
    elif mech == "identity":
        A = G * keymask if ctx.masked else G
    elif mech == "relu":
        A = torch.relu(G) * keymask if ctx.masked else torch.relu(G)
    elif mech == "abs":
        A = torch.abs(G) * keymask if ctx.masked else torch.abs(G)
    else:
        raise ValueError(mech)
    v = heads(linear(xv.reshape(xv.shape[0], R, vw), p[f"{path}|WV"], 1.0, rec, T), dv)
    av = torch.matmul(A, v)  # [N, M, H, T, dv]
    cat = av.permute(0, 1, 3, 2, 4).reshape(av.shape[0], R, H * dv)
    out_scale = l["wOStd"] * l["wVStd"] / math.sqrt(vw * dv * H)
    y = linear(cat, p[f"{path}|WO"], out_scale, rec, T, p.get(f"{path}|b"), l["bStd"])
    y = y.reshape(y.shape[0], M, T, l["outWidth"])
    return y * ctx.mask4() if ctx.masked else y


def run_stack(layers, prefix, x, p, ctx, rec):
    for i, l in enumerate(layers):
        path = f"{prefix}[{i}]"
        t = l["type"]
        B, M, T, n = x.shape
        if t == "dense":
            y = linear(x.reshape(B, M * T, n), p[f"{path}|W"], l["wStd"] / math.sqrt(n), rec, T, p.get(f"{path}|b"), l["bStd"])
            x = y.reshape(y.shape[0], M, T, l["width"])
        elif t == "attention":
            x = attention(l, path, x, p, ctx, rec)
        elif t == "residual":
            y, _ = run_stack(l["block"], f"{path}|block", x, p, ctx, rec)
            x = x + y
        elif t == "layerNorm":
            mean = x.mean(-1, keepdim=True)
            var = x.var(-1, unbiased=False, keepdim=True)
            x = (x - mean) / torch.sqrt(var + l["eps"])
        elif t == "globalAvgPool":
            m = ctx.mask4()
            x = (x * m).sum(2, keepdim=True) / m.sum(2, keepdim=True)
            ctx = Ctx(M, 1, torch.ones(M, 1), False)
        else:
            x = activation(t, x)
        if ctx.masked:
            x = x * ctx.mask4()
    return x, ctx


def forward(spec, x, ctx, p, rec=None):
    """x [1, M, T, d] shared by every network → outputs [N, M, T_out, n_out] and the output context."""
    return run_stack(spec["layers"], "layers", x, p, ctx, rec)


# -------------------------------------------------------------------------------------------------
# Estimators: per-network kernels [N, P, P]


def nngp_plain(spec, x, ctx, p):
    y, out = forward(spec, x, ctx, p)
    N, M, T, C = y.shape
    f = y.reshape(N, M * T, C)
    return f @ f.transpose(1, 2) / C


def block_sum(G, M, rows):
    """[N, M·rows, M·rows] → [N, M, M]: Σ over the positions of each pair of inputs."""
    return G.reshape(G.shape[0], M, rows, M, rows).sum(dim=(2, 4))


def ntk_gram(spec, x, ctx, p):
    """The empirical NTK of the scalar readout f (channel 0), exactly, without weight gradients.

    For a map z = x W applied per position r, ∂f_m/∂W = Σ_{r ∈ m} x_r ⊗ ∂f_m/∂z_r, so
      Σ_{ij} ∂f_m/∂W_ij ∂f_m'/∂W_ij = Σ_{r ∈ m, s ∈ m'} (x_r · x_s)(δ_r · δ_s),  δ = ∂f/∂z,
    the block sums of (input Gram) ⊙ (signal Gram). Inputs never mix inside the network (attention,
    layer norm and pooling act within one sequence), so ∂f_m'/∂z_r = 0 for r outside m' and a
    single backward pass of Σ_m f_m yields every δ_r = ∂f_m/∂z_r at once. A trainable positional
    embedding Z (shared by the inputs) enters every input through a probe e with ∂f/∂e = ∂f/∂(σpe Z)
    per input: its term is σpe² Σ_{t,c} e_m[t,c] e_m'[t,c] (R = I)."""
    rec = Recorder()
    with torch.enable_grad():
        y, out = forward(spec, x, ctx, p, rec)
        if out.T != 1:
            raise NotImplementedError("ntk-gram: the reference configs pool; unpooled outputs need one pass per position")
        f = y[..., 0].reshape(y.shape[0], -1)  # [N, M]
        targets = [z for _, z, _, bias in rec.maps if bias is None] + [e for e, _ in rec.probes]
        grads = torch.autograd.grad(f.sum(), targets)
    N, M = f.shape
    theta = torch.zeros(N, M, M)
    dz = {}
    gi = 0
    for xin, z, rows, bias in rec.maps:
        if bias is None:
            d = grads[gi]
            gi += 1
            dz[id(z)] = d
            Gd = d @ d.transpose(1, 2)
            Gx = xin @ xin.transpose(1, 2)  # [1, R, R] for the shared inputs, else [N, R, R]
            theta += block_sum(Gx * Gd, M, rows)
        else:
            d = dz[id(z)]
            theta += bias * block_sum(d @ d.transpose(1, 2), M, rows)
    for (e, s2), d in zip(rec.probes, grads[gi:]):
        # ∂f_m/∂Z = σpe ∂f_m/∂e_m: f_m sees Z only through its own copy e_m.
        g = d.reshape(N, M, -1)
        theta += s2 * (g @ g.transpose(1, 2))
    return theta


def ntk_jacrev(spec, x, ctx, p, trainable):
    """vmap over networks of jacrev over parameters, then Σ_params J Jᵀ: the users' way."""
    fixed = {k: v for k, v in p.items() if k not in trainable}
    names = [k for k in p if k in trainable]

    def f(params, fixed_one):
        one = {k: v.unsqueeze(0) for k, v in params.items()}
        one.update({k: v.unsqueeze(0) for k, v in fixed_one.items()})
        y, _ = forward(spec, x, ctx, one)
        return y[0, :, :, 0].reshape(-1)  # [P]

    with torch.enable_grad():
        J = vmap(jacrev(f), in_dims=(0, 0))({k: p[k] for k in names}, fixed)
    N = p[names[0]].shape[0]
    theta = None
    for k in names:
        j = J[k].reshape(N, J[k].shape[1], -1)
        t = j @ j.transpose(1, 2)
        theta = t if theta is None else theta + t
    return theta


# -------------------------------------------------------------------------------------------------
# Driver


def input_tensors(inp):
    x = torch.tensor(inp["inputs"], dtype=torch.float32)  # [M, T, d]
    M, T, _ = x.shape
    mask = torch.tensor(inp["mask"], dtype=torch.float32) if inp.get("mask") else torch.ones(M, T)
    x = (x * mask.unsqueeze(-1)).unsqueeze(0)
    return x, Ctx(M, T, mask, bool((mask == 0).any()))


class Moments:
    """Per-entry mean and standard error over networks, in float64, shifted by the first batch's
    mean so that the sums of squares do not cancel."""

    def __init__(self):
        self.n, self.shift, self.s1, self.s2 = 0, None, None, None

    def add(self, K):
        K = K.double()
        if self.shift is None:
            self.shift = K.mean(0)
            self.s1 = torch.zeros_like(self.shift)
            self.s2 = torch.zeros_like(self.shift)
        d = K - self.shift
        self.n += K.shape[0]
        self.s1 += d.sum(0)
        self.s2 += (d * d).sum(0)

    def mean(self):
        return self.shift + self.s1 / self.n

    def se(self):
        var = (self.s2 - self.s1 * self.s1 / self.n) / (self.n - 1)
        return torch.sqrt(var.clamp(min=0) / self.n)


def relative_precision(se, mean):
    """max SE / mean |diagonal| (src/pipeline/kernel.ts, relativePrecision)."""
    diag = mean.diagonal().abs().mean().item()
    worst = se.max().item()
    return worst / diag if diag > 0 else worst, diag


def matmul_ceiling(reps=5):
    a, b = torch.randn(4096, 512), torch.randn(512, 512)
    a @ b
    best = math.inf
    for _ in range(reps):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * 4096 * 512 * 512 / best / 1e9


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def run_variant(fn, decls, N, chunk, seed, warmup=True):
    """Times N networks (drawing their weights included), chunk networks per batch."""
    if warmup:
        # A full chunk: the first batch of a size pays the allocator's first touches.
        fn(draw(decls, min(chunk, N), torch.Generator().manual_seed(seed + 1)))
    gen = torch.Generator().manual_seed(seed)
    acc = Moments()
    start = time.perf_counter()
    drawing = 0.0
    done = 0
    while done < N:
        n = min(chunk, N - done)
        t = time.perf_counter()
        p = draw(decls, n, gen)
        drawing += time.perf_counter() - t
        acc.add(fn(p))
        done += n
    return acc, time.perf_counter() - start, drawing


def summarise(acc, timing, N, chunk, extra, means):
    secs, drawing = timing
    prec, diag = relative_precision(acc.se(), acc.mean())
    rel = prec * math.sqrt(N)
    need = max(2, math.ceil((rel / 0.01) ** 2))
    out = dict(extra, networks=N, seconds=secs, networksPerSecond=N / secs, chunk=chunk, precision=prec,
               perNetworkRelStd=rel, networksTo1pct=need, secondsTo1pct=need * secs / N, meanDiagonal=diag,
               drawFraction=drawing / secs)
    if means:
        out["mean"] = acc.mean().flatten().tolist()
        out["se"] = acc.se().flatten().tolist()
    return out


def log(msg):
    print(f"torch_peer: {msg}", file=sys.stderr, flush=True)


def run_one(c, task, N, Nj, seed, args, jacrev=True):
    """The variants of one (config, task) on N networks of `seed` (jacrev on Nj): result dicts."""
    x, ctx = input_tensors(c["inputs"])
    M, T, d = ctx.M, ctx.T, x.shape[-1]
    spec = c["specs"][task]
    decls = param_decls(spec["layers"], d, T, "layers")
    per_net = sum(math.prod(s) for _, s, _ in decls)
    base = {"config": c["name"], "task": task}
    if task == "nngp":
        chunk = clamp(2**25 // per_net, 1, 256)
        log(f"{c['name']} nngp plain, {N} networks in chunks of {chunk}")
        acc, *timing = run_variant(lambda p: nngp_plain(spec, x, ctx, p), decls, N, chunk, seed)
        return [summarise(acc, timing, N, chunk, dict(base, variant="plain"), args.means)]
    trainable = {k for k, _, tr in decls if tr}
    chunk = clamp(2**25 // per_net, 1, 256)
    log(f"{c['name']} ntk gram, {N} networks in chunks of {chunk}")
    acc, *timing = run_variant(lambda p: ntk_gram(spec, x, ctx, p), decls, N, chunk, seed)
    gram = summarise(acc, timing, N, chunk, dict(base, variant="gram"), args.means)
    if args.no_jacrev or not jacrev:
        return [gram]
    jchunk = clamp(2**24 // (per_net * M), 1, 64)
    log(f"{c['name']} ntk jacrev, {Nj} networks in chunks of {jchunk}")
    acc, *timing = run_variant(lambda p: ntk_jacrev(spec, x, ctx, p, trainable), decls, Nj, jchunk, seed)
    jac = summarise(acc, timing, Nj, jchunk, dict(base, variant="jacrev"), args.means)
    # Both variants compute the same per-network NTK, so they need the same number of
    # networks: it comes from the gram run (at least as many networks), the time per
    # network from each variant's own run. The ratio of their times to 1 % is then their
    # speed ratio, not noise in two variance estimates.
    jac["networksTo1pct"] = gram["networksTo1pct"]
    jac["secondsTo1pct"] = gram["networksTo1pct"] / jac["networksPerSecond"]
    return [gram, jac]


def blas_library():
    """The BLAS the process loaded (after a matmul): Debian's torch links the libblas.so.3
    alternative, which is the slow reference BLAS unless an optimised one (libopenblas0-openmp)
    is installed."""
    try:
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def header():
    ceiling = matmul_ceiling()
    return {
        "peer": "torch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "matmulCeilingGflops": ceiling,
        "blas": blas_library(),
    }


def cmd_bench(args):
    with open(args.input) as fh:
        job = json.load(fh)
    seed = job.get("seed", 1)
    N = args.networks or job["networks"]
    Nj = min(N, args.jacrev_networks or N)
    results = []
    for c in job["configs"]:
        for task in c["tasks"]:
            results += run_one(c, task, N, Nj, seed, args)
    out = dict(header(), peakRssBytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, results=results)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def cmd_serve(args):
    """Rounds on request, for bench/run.ts to alternate with ours: reads the job's path from the
    command line, then one request per line of stdin, {"config", "task", "round", "jacrev"}, and
    answers each with one JSON line (the results of that round, networks of seed + round). The
    first line out is the header (torch version, threads, matmul ceiling)."""
    with open(args.input) as fh:
        job = json.load(fh)
    seed = job.get("seed", 1)
    N = args.networks or job["networks"]
    Nj = min(N, args.jacrev_networks or N)
    configs = {c["name"]: c for c in job["configs"]}
    print(json.dumps(header()), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        res = run_one(configs[req["config"]], req["task"], N, Nj, seed + req["round"], args, req.get("jacrev", True))
        for r in res:
            r["round"] = req["round"]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps({"results": res, "peakRssBytes": rss}), flush=True)


def cmd_verify(args):
    """Per-network kernels of the given weights (the TypeScript sampler's), for bench/peers/check.ts."""
    with open(args.input) as fh:
        job = json.load(fh)
    x, ctx = input_tensors(job["inputs"])
    out = {}
    for task, spec in job["specs"].items():
        decls = param_decls(spec["layers"], x.shape[-1], ctx.T, "layers")
        raw = job["params"][task]
        p = {k: torch.tensor(raw[k]["data"], dtype=torch.float32).reshape([-1] + list(shape)) for k, shape, _ in decls}
        if task == "nngp":
            out["nngp"] = nngp_plain(spec, x, ctx, p).tolist()
        else:
            out["ntkGram"] = ntk_gram(spec, x, ctx, p).tolist()
            out["ntkJacrev"] = ntk_jacrev(spec, x, ctx, p, {k for k, _, tr in decls if tr}).tolist()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("bench", "serve"):
        b = sub.add_parser(name)
        b.add_argument("--input", required=True)
        b.add_argument("--networks", type=int, default=0, help="overrides the job's count")
        b.add_argument("--jacrev-networks", type=int, default=0, help="caps the vmap(jacrev) run (it is the slow one)")
        b.add_argument("--no-jacrev", action="store_true")
        b.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own)")
        b.add_argument("--means", action="store_true", help="include the mean and SE matrices")
    v = sub.add_parser("verify")
    v.add_argument("--input", required=True)
    v.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    {"bench": cmd_bench, "serve": cmd_serve, "verify": cmd_verify}[args.cmd](args)


if __name__ == "__main__":
    main()
