#!/usr/bin/env bash
# One whole GPU run, for a machine with a GPU but no Node.js and no registry (the device tool's):
# unpack bench/gpu/pack (built here by pack.sh), make Vulkan find the NVIDIA driver, print what
# Dawn sees, then run the same workload on webgpu and on wasm and print networks/s for both.
#
#   device run: carry ["bench/gpu/pack"], timeout_s 540, command "bash bench/gpu/run.sh"
#
# Everything it prints also goes to $OUT/run.log; results to $OUT/results.jsonl and
# $OUT/summary.json ($OUT defaults to bench/gpu/out). Settings (environment):
#   BENCH_MODE      estimate (default): `infinite-attention estimate` on SPEC/INPUTS;
#                   bench: `npm run bench -- --backend <b> --out $OUT/bench-<b>.json $BENCH_ARGS`
#                   (issue 6's bench), run from package.json's scripts.bench without npm.
#   BENCH_ARGS      with BENCH_MODE=bench (default "--no-peer --configs R1": the PyTorch peer is
#                   the CPU baseline's business, not the GPU's)
#   SPEC, INPUTS    reference config (default R1 of issue 6: bench/gpu/r1.json, bench/gpu/r1-inputs.json)
#   BACKENDS        default "webgpu wasm"
#   GPU_FIRST, WASM_FIRST      networks in each backend's first run (default 64, 8): it gives the rate
#   TARGET_SECONDS             the second run is sized to take about this long (default 60) ...
#   GPU_NETWORKS, WASM_NETWORKS ... but runs at most this many networks (default 8192, 512). The
#                   marginal rate between the two runs excludes start-up costs (pipeline
#                   compilation on webgpu) that every process pays once.
#   STEP_TIMEOUT    seconds per command (default 200)
#   IA_GPU_WORK     where the pack is unpacked (default /tmp/ia-gpu)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${OUT:-$root/bench/gpu/out}
mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
teepid=$!
# Let tee finish writing the log before the device tool collects $OUT.
trap 'exec 1>&- 2>&-; wait $teepid' EXIT

BENCH_MODE=${BENCH_MODE:-estimate}
SPEC=${SPEC:-bench/gpu/r1.json}
INPUTS=${INPUTS:-bench/gpu/r1-inputs.json}
BACKENDS=${BACKENDS:-webgpu wasm}
GPU_FIRST=${GPU_FIRST:-64}
WASM_FIRST=${WASM_FIRST:-8}
GPU_NETWORKS=${GPU_NETWORKS:-8192}
WASM_NETWORKS=${WASM_NETWORKS:-512}
TARGET_SECONDS=${TARGET_SECONDS:-60}
STEP_TIMEOUT=${STEP_TIMEOUT:-200}
work=${IA_GPU_WORK:-/tmp/ia-gpu}
pack=$root/bench/gpu/pack/ia-gpu.tar.xz

die() { echo "run.sh: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

step "unpack"
[ -f "$pack" ] || die "no $pack: run bench/gpu/pack.sh here first and name bench/gpu/pack in carry"
stamp=$(stat -c '%s %Y' "$pack")
if [ "$(cat "$work/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work" && mkdir -p "$(dirname "$work")"
  tmp=$(mktemp -d "$(dirname "$work")/ia-gpu-unpack.XXXXXX")
  # tar's xz filter needs the xz program; Python's tarfile reads xz without it.
  if command -v xz >/dev/null; then tar -xJf "$pack" -C "$tmp"
  else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))' "$pack" "$tmp"; fi || die "could not unpack $pack"
  mv "$tmp/ia-gpu" "$work" && rmdir "$tmp"
  echo "$stamp" > "$work/.stamp"
fi
cat "$work/MANIFEST"
export PATH="$work/bin:$PATH"
node=$work/bin/node

# The sources import from ./node_modules; point it at the pack, but never over a real install.
if [ -e node_modules ] && [ ! -L node_modules ]; then
  die "$root/node_modules is a real folder: run this from a copy without one (as the device tool makes)"
fi
ln -sfn "$work/node_modules" node_modules

step "Vulkan"
# Dawn dlopens libvulkan.so.1; the NVIDIA ICD (libGLX_nvidia.so.0) needs libGLdispatch.so.0. Use
# the machine's own copies where ldconfig knows them, else the packed Debian ones.
vklib=$work/vk/active
rm -rf "$vklib" && mkdir -p "$vklib"
known=$(ldconfig -p 2>/dev/null)
for f in "$work"/vk/lib/*.so.[0-9]; do
  name=$(basename "$f")
  if grep -q "^[[:space:]]*$name " <<<"$known"; then echo "system: $name"
  else ln -s "$f" "$vklib/$name"; echo "packed: $name"; fi
done
export LD_LIBRARY_PATH="$vklib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -d /usr/local/nvidia/lib64 ] && ! grep -q libGLX_nvidia.so.0 <<<"$known"; then
  export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64"
fi
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null)
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if ! grep -q nvidia <<<"$icds" && [ -f "$nv_icd" ] && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  export VK_DRIVER_FILES=$nv_icd
fi
echo "ICDs: ${icds:-none in the standard folders}; VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
command -v nvidia-smi >/dev/null && nvidia-smi -L

step "node and the adapter Dawn offers"
"$node" --version
adapter=$("$node" --import tsx --input-type=module -e '
  import { isSoftwareAdapter, probeWebgpuAdapter } from "./src/backend.ts";
  const a = await probeWebgpuAdapter(60_000).catch((e) => ({ error: e.message }));
  console.log(JSON.stringify(a && !a.error ? { ...a, software: isSoftwareAdapter(a) } : a));
' 2>&1 | tail -1)
echo "adapter: $adapter"

# The workload, one backend and size per call. This is the hook for the bench of issue 6.
bench_one() { # backend networks
  case $BENCH_MODE in
    estimate)
      timeout "$STEP_TIMEOUT" "$node" bin/infinite-attention.js estimate --spec "$SPEC" --inputs "$INPUTS" \
        --networks "$2" --seed 1 --backend "$1" --json --quiet ;;
    bench)
      # What `npm run bench -- …` runs, without npm: the script line with node_modules/.bin on PATH.
      local script
      script=$("$node" -p 'require("./package.json").scripts?.bench ?? ""')
      [ -n "$script" ] || die "package.json has no scripts.bench: use BENCH_MODE=estimate"
      PATH="$root/node_modules/.bin:$PATH" timeout "$STEP_TIMEOUT" \
        sh -c "$script --backend $1 --out $out/bench-$1.json ${BENCH_ARGS:---no-peer --configs R1}" ;;
    *) die "BENCH_MODE must be estimate or bench" ;;
  esac
}

# One measured call: appends its result (or its failure) to results.jsonl and prints a line.
measure() { # backend networks
  step "$1, $2 networks of $SPEC"
  local start res rc wall
  start=$(date +%s%N)
  res=$(bench_one "$1" "$2")
  rc=$?
  wall=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $rc -ne 0 ] || [ -z "$res" ]; then
    echo "failed (exit $rc$([ $rc = 124 ] && echo ": over STEP_TIMEOUT=$STEP_TIMEOUT s"))"
    printf '{"requested":"%s","networks":%s,"failed":true,"exit":%s}\n' "$1" "$2" "$rc" >> "$out/results.jsonl"
    return 1
  fi
  "$node" -e 'const [r, b, wall] = process.argv.slice(1);
    console.log(JSON.stringify({ requested: b, wallSeconds: wall / 1000, ...JSON.parse(r) }));' "$res" "$1" "$wall" >> "$out/results.jsonl"
  tail -1 "$out/results.jsonl" | "$node" -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`ok: ${o.networks} networks on ${o.backend} in ${o.seconds.toFixed(2)} s (${(o.networks / o.seconds).toFixed(1)} networks/s), process ${o.wallSeconds.toFixed(1)} s`)'
}

: > "$out/results.jsonl"
for b in $BACKENDS; do
  if [ "$BENCH_MODE" = bench ]; then
    step "$b: npm run bench -- --backend $b"
    bench_one "$b" 0
    rc=$?
    [ $rc -eq 0 ] || echo "bench on $b: exit $rc$([ $rc = 124 ] && echo ": over STEP_TIMEOUT=$STEP_TIMEOUT s")"
    continue
  fi
  # A first, small run gives the rate; the second is sized to take about TARGET_SECONDS.
  if [ "$b" = wasm ]; then first=$WASM_FIRST max=$WASM_NETWORKS; else first=$GPU_FIRST max=$GPU_NETWORKS; fi
  measure "$b" "$first" || continue
  n=$(tail -1 "$out/results.jsonl" | "$node" -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const [first, max, target] = process.argv.slice(1).map(Number);
    console.log(Math.round(Math.min(max, Math.max(2 * first, (target * o.networks) / o.seconds))));' "$first" "$max" "$TARGET_SECONDS")
  measure "$b" "$n" || true
done

if [ "$BENCH_MODE" = estimate ]; then
  step "summary"
  "$node" bench/gpu/summarize.mjs "$out/results.jsonl" "$out/summary.json" "adapter=$adapter"
fi
