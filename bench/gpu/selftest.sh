#!/usr/bin/env bash
# Rehearses a device run here: a clean copy of the working tree (what the device tool sends) plus
# bench/gpu/pack, in a mount namespace where the system's node, npm and npx are unusable and the
# system's Vulkan loader is hidden (so the packed one is used), then run.sh on a small config.
# WebGPU then runs on Mesa's lavapipe where it is installed (README, "GPU (WebGPU)"). Needs root
# (unshare -m). Settings pass through to run.sh (SPEC, INPUTS, GPU_NETWORKS, WASM_NETWORKS, ...).
#   bash bench/gpu/selftest.sh [--keep-vulkan]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$root/bench/gpu/pack/ia-gpu.tar.xz" ] || bash "$root/bench/gpu/pack.sh"
copy=$(mktemp -d /tmp/ia-gpu-selftest.XXXXXX)
# tar rather than cp: files that others delete meanwhile (caches) are skipped, not fatal.
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -x -C "$copy"
cp -r "$root/bench/gpu/pack" "$copy/bench/gpu/"
[ ! -e "$copy/node_modules" ] || { echo "selftest: the copy has a node_modules" >&2; exit 1; }
echo "selftest: copy in $copy ($(du -sm "$copy" | cut -f1) MiB, as carried)"

hide_vulkan=1
[ "${1:-}" = --keep-vulkan ] && hide_vulkan=0
export SELFTEST_COPY=$copy SELFTEST_HIDE_VULKAN=$hide_vulkan
unshare -m bash -c '
  set -e
  for f in $(type -ap node npm npx); do mount --bind /dev/null "$(readlink -f "$f")"; done
  if [ "$SELFTEST_HIDE_VULKAN" = 1 ]; then
    for f in /usr/lib/x86_64-linux-gnu/libvulkan.so.1*; do [ -L "$f" ] || mount --bind /dev/null "$f"; done
    # A loader cache without libvulkan, as on a machine that never had it.
    ldconfig -C "$SELFTEST_COPY/ld.so.cache" 2>/dev/null
    mount --bind "$SELFTEST_COPY/ld.so.cache" /etc/ld.so.cache
  fi
  cd "$SELFTEST_COPY"
  exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$SELFTEST_COPY" \
    OUT="$SELFTEST_COPY/out" IA_GPU_WORK="$SELFTEST_COPY/unpacked" \
    SPEC="${SPEC:-bench/gpu/small.json}" INPUTS="${INPUTS:-fixtures/inputs/seq4x6x8.json}" \
    GPU_FIRST="${GPU_FIRST:-8}" WASM_FIRST="${WASM_FIRST:-8}" TARGET_SECONDS="${TARGET_SECONDS:-20}" \
    ${GPU_NETWORKS:+GPU_NETWORKS=$GPU_NETWORKS} ${WASM_NETWORKS:+WASM_NETWORKS=$WASM_NETWORKS} ${BENCH_MODE:+BENCH_MODE=$BENCH_MODE} \
    ${STEP_TIMEOUT:+STEP_TIMEOUT=$STEP_TIMEOUT} ${BENCH_ARGS:+"BENCH_ARGS=$BENCH_ARGS"} \
    bash bench/gpu/run.sh
'
echo "selftest: output in $copy/out"
