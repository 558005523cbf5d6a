#!/usr/bin/env bash
# Installs @tensorflow/tfjs-node where its own install script cannot download libtensorflow:
# builds tfjs-node's native binding against the TensorFlow C API shipped in the
# `tensorflow-cpu` wheel on PyPI, with this machine's Node headers, and puts it into the
# project's node_modules so that `gclip --backend node` (and `auto`) loads it.
#
#   bash scripts/tfjs-node-from-wheel.sh [--project DIR] [--wheel FILE] [--tf-version V] [--force]
#
#   --project DIR   the npm project whose node_modules gets tfjs-node (default: this checkout)
#   --wheel FILE    use this tensorflow-cpu wheel instead of downloading one
#   --tf-version V  tensorflow-cpu version to download (default $DEFAULT_TF_VERSION, or $GCLIP_TF_VERSION)
#   --force         rebuild and reinstall even when the cached build and install look complete
#
# Network: the npm registry (npm install, for tfjs-node and its runtime dependencies) and
# PyPI (pip download, for the wheel); nothing else. node-gyp gets --nodedir, so it never
# downloads Node headers. Linux only (the wheel's libraries are ELF shared objects).
#
# What it does, each step skipped when its result is already there:
#   1. npm install --no-save --ignore-scripts: restores the optional tfjs-node that `npm ci`
#      dropped, with its runtime dependencies, without running its failing download and
#      without touching package.json or package-lock.json.
#   2. pip download tensorflow-cpu==V (no dependencies) into the cache.
#   3. Extracts libtensorflow_cc.so.2, libtensorflow_framework.so.2 and the C API headers
#      into deps/ of a build copy of the package, and adds the names the binding links
#      against (libtensorflow.so -> libtensorflow_cc.so.2, the library's SONAME).
#   4. node-gyp (npm's own) builds the binding for the N-API version tfjs-node's loader
#      picks on this Node. The binding's rpath is $ORIGIN/../../deps/lib (tfjs-node's
#      binding.gyp) and libtensorflow_cc's own RUNPATH has $ORIGIN, so no LD_LIBRARY_PATH.
#   5. Hard-links (or copies) deps/ and lib/ into node_modules/@tensorflow/tfjs-node and
#      checks that the backend loads and computes.
# The build is cached under ${GCLIP_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/gclip}/tfjs-node,
# keyed by tfjs-node version, TensorFlow version, N-API version and architecture, so a rerun
# after `npm ci` takes seconds. Exit codes: 0 installed (or already), 1 a step failed,
# 2 bad usage.
set -euo pipefail

readonly DEFAULT_TF_VERSION=2.21.0
me=tfjs-node-from-wheel

die() {
  echo "$me: error: $1" >&2
  [ -n "${2:-}" ] && echo "  fix: $2" >&2
  exit 1
}
step() { echo "$me: $*"; }

# Runs a command with its output in $log; on failure prints the log's tail and dies.
run_logged() {
  local what=$1 fix=$2
  shift 2
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "$what failed (full log: $log)" "$fix"
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed "\$d; s/^# \{0,1\}//; s/\$DEFAULT_TF_VERSION/$DEFAULT_TF_VERSION/"
}

# Default: the gclip checkout this script is in, or, when gclip is itself installed as a
# package (…/node_modules/gclip/scripts), the project whose node_modules holds it.
project=$(cd "$(dirname "$0")/.." && pwd)
case $project in */node_modules/*) project=${project%%/node_modules/*} ;; esac
wheel=
tf_version=${GCLIP_TF_VERSION:-$DEFAULT_TF_VERSION}
force=0
while [ $# -gt 0 ]; do
  case $1 in
    --project)
      [ -d "${2:-}" ] || { echo "$me: --project needs an existing directory, got '${2:-}'" >&2; exit 2; }
      project=$(cd "$2" && pwd); shift 2 ;;
    --wheel)
      [ -f "${2:-}" ] || { echo "$me: --wheel needs an existing wheel file, got '${2:-}'" >&2; exit 2; }
      wheel=$(realpath "$2"); shift 2 ;;
    --tf-version) tf_version=${2:?--tf-version needs a version such as $DEFAULT_TF_VERSION}; shift 2 ;;
    --force) force=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$me: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
# A given wheel's own version (name-version-tags.whl) is the one built and recorded.
[ -z "$wheel" ] || tf_version=$(basename "$wheel" | cut -d- -f2)

# ---- preconditions: say what is missing and how to get it, before any download
[ "$(uname -s)" = Linux ] || die "only Linux is supported (the wheel's libraries are ELF), found $(uname -s)" \
  "use the wasm backend, or tfjs-node's own install where its download works"
command -v node >/dev/null || die "node not found on PATH"
command -v npm >/dev/null || die "npm not found on PATH"
python3 -m pip --version >/dev/null 2>&1 || [ -n "$wheel" ] ||
  die "python3 -m pip is not available (needed to download the tensorflow-cpu wheel from PyPI)" \
    "install pip (Debian: apt-get install python3-pip), or pass --wheel FILE with a downloaded tensorflow-cpu wheel"
python3 -c 'import zipfile' 2>/dev/null || die "python3 not found (needed to unpack the wheel)"
command -v "${CXX:-c++}" >/dev/null || die "no C++ compiler ('${CXX:-c++}' not on PATH)" \
  "install one (Debian: apt-get install g++ make)"
command -v make >/dev/null || die "make not found" "install it (Debian: apt-get install make)"
[ -f "$project/package.json" ] || die "no package.json in $project" "pass --project DIR with the project to install into"
[ -d "$project/node_modules/@tensorflow/tfjs" ] ||
  die "$project/node_modules has no @tensorflow/tfjs: the project is not installed yet" "run npm ci (or npm install) in $project first"

npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
node_gyp=${npm_config_node_gyp:-$npm_dir/node_modules/node-gyp/bin/node-gyp.js}
[ -f "$node_gyp" ] || die "npm's bundled node-gyp not found at $node_gyp" "set npm_config_node_gyp to a node-gyp.js"

# Node's headers: npm's nodedir setting, else the prefix Node runs from.
nodedir=$(cd "$project" && npm config get nodedir 2>/dev/null || true)
case $nodedir in
  '' | undefined | null) nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")") ;;
esac
[ -f "$nodedir/include/node/node_api.h" ] ||
  die "Node's headers not found under $nodedir/include/node (node-gyp would download them, which this script does not allow)" \
    "install them (Debian: apt-get install libnode-dev; nvm and official tarballs ship them) or set npm_config_nodedir"

cache=${GCLIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gclip}/tfjs-node
mkdir -p "$cache"
log=$(mktemp "$cache/log.XXXXXX")
trap 'rm -f "$log"' EXIT

# ---- 1. tfjs-node and its runtime dependencies, from the npm registry, without its install script
package_dir=$project/node_modules/@tensorflow/tfjs-node
if [ ! -f "$package_dir/package.json" ] || ! (cd "$project" && node -e "require.resolve('@mapbox/node-pre-gyp'); require.resolve('google-protobuf'); require.resolve('adm-zip'); require.resolve('progress')" 2>/dev/null); then
  step "installing @tensorflow/tfjs-node and its dependencies from the npm registry (scripts off, package files unchanged)"
  run_logged "npm install --no-save --ignore-scripts" "check that the npm registry is reachable: npm ping" \
    bash -c "cd '$project' && npm install --no-save --ignore-scripts --no-audit --no-fund"
fi
[ -f "$package_dir/package.json" ] ||
  die "npm did not install @tensorflow/tfjs-node into $project/node_modules" \
    "the project must list it (gclip has it in optionalDependencies); check npm's 'omit' setting: npm config get omit"

tfjs_node_version=$(node -p "require('$package_dir/package.json').version")
# The binding path tfjs-node's own loader looks for (node-pre-gyp picks the N-API version).
binding=$(cd "$project" && node -p "require('@mapbox/node-pre-gyp').find(require.resolve('@tensorflow/tfjs-node/package.json'))")
module_path=${binding#"$package_dir"/}
module_path=$(dirname "$module_path")
napi=${module_path##*napi-v}
key=tfjs-node-$tfjs_node_version-tf-$tf_version-napi-$napi-$(uname -m)
build=$cache/$key
stamp_name=gclip-build.txt
stamp="tfjs-node $tfjs_node_version, tensorflow-cpu $tf_version wheel, N-API $napi, $(uname -m)"

loads() {
  (cd "$project" && TF_CPP_MIN_LOG_LEVEL=2 node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());
    const s = tf.tensor1d([3, 4]).square().sum().dataSync()[0];
    if (s !== 25) throw new Error('3² + 4² gave ' + s);
  ")
}

if [ $force = 0 ] && [ -f "$binding" ] && [ "$(cat "$package_dir/deps/$stamp_name" 2>/dev/null)" = "$stamp" ] && loads 2>/dev/null; then
  step "already installed ($stamp); --force rebuilds"
  exit 0
fi

# ---- 2-4. build once per key, in a temporary directory renamed into place when complete
if [ $force = 1 ] || [ ! -f "$build/$module_path/tfjs_binding.node" ] || [ "$(cat "$build/deps/$stamp_name" 2>/dev/null)" != "$stamp" ]; then
  tmp=$(mktemp -d "$cache/$key.tmp.XXXXXX")
  trap 'rm -f "$log"; rm -rf "$tmp"' EXIT

  if [ -z "$wheel" ]; then
    wheel=$(ls "$cache"/wheels/tensorflow_cpu-"$tf_version"-*.whl 2>/dev/null | head -n 1 || true)
  fi
  if [ -z "$wheel" ]; then
    step "downloading tensorflow-cpu==$tf_version from PyPI (about 270 MB, no dependencies)"
    run_logged "pip download tensorflow-cpu==$tf_version" \
      "check that PyPI is reachable (pip's proxy/index settings) and that $tf_version exists for this Python and platform: python3 -m pip index versions tensorflow-cpu" \
      python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check --dest "$cache/wheels" "tensorflow-cpu==$tf_version"
    wheel=$(ls "$cache"/wheels/tensorflow_cpu-"$tf_version"-*.whl | head -n 1)
  fi
  [ -f "$wheel" ] || die "wheel not found: $wheel"

  step "unpacking the TensorFlow C API from $(basename "$wheel")"
  cp -R "$package_dir/binding" "$package_dir/binding.gyp" "$package_dir/package.json" "$tmp/"
  mkdir -p "$tmp/deps/lib" "$tmp/deps/include"
  run_logged "unpacking $(basename "$wheel")" "pass a tensorflow-cpu wheel for Linux (--wheel) or delete $cache/wheels to download again" \
    python3 - "$wheel" "$tmp/deps" "$tmp/binding" <<'PY'
import os, re, shutil, sys, zipfile

wheel, deps, binding = sys.argv[1:4]
libs = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
prefix = "tensorflow/include/"
include = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.M)

def quoted_includes(text):
    return [m.decode() for m in include.findall(text)]

with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    missing = [n for n in libs if n not in names]
    if missing:
        sys.exit(f"{wheel} lacks {', '.join(missing)}: not a tensorflow-cpu wheel for Linux")
    for name in libs:
        with z.open(name) as src, open(os.path.join(deps, "lib", os.path.basename(name)), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    # Only the headers the binding reaches (its own #includes, followed transitively), not
    # the wheel's 13,000: 268 MB of C++ headers the C API never touches.
    pending = []
    for f in os.listdir(binding):
        with open(os.path.join(binding, f), "rb") as h:
            pending += quoted_includes(h.read())
    seen = set()
    while pending:
        header = pending.pop()
        if header in seen or prefix + header not in names:
            continue
        seen.add(header)
        text = z.read(prefix + header)
        target = os.path.join(deps, "include", header)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as dst:
            dst.write(text)
        pending += quoted_includes(text)
    if "tensorflow/c/c_api.h" not in seen:
        sys.exit(f"{wheel} has no {prefix}tensorflow/c/c_api.h: not a TensorFlow wheel with the C API headers")
PY
  # -ltensorflow must find the C API library; its SONAME (libtensorflow_cc.so.2) is what
  # the binding then records, so the extra names matter only at link time.
  ln -sf libtensorflow_cc.so.2 "$tmp/deps/lib/libtensorflow.so.2"
  ln -sf libtensorflow_cc.so.2 "$tmp/deps/lib/libtensorflow.so"
  ln -sf libtensorflow_framework.so.2 "$tmp/deps/lib/libtensorflow_framework.so"

  step "building the binding (node-gyp, N-API $napi, headers from $nodedir)"
  run_logged "node-gyp rebuild" "see the compiler error above; a C++17 compiler is required" \
    node "$node_gyp" rebuild --directory "$tmp" --nodedir "$nodedir" --jobs max \
    --module_name=tfjs_binding --module_path="$tmp/$module_path" --napi_build_version="$napi"
  [ -f "$tmp/$module_path/tfjs_binding.node" ] || die "node-gyp succeeded but left no $module_path/tfjs_binding.node (log: $log)"
  if command -v ldd >/dev/null && ldd "$tmp/$module_path/tfjs_binding.node" | grep -q 'not found'; then
    ldd "$tmp/$module_path/tfjs_binding.node" >&2
    die "the built binding does not find all its libraries"
  fi
  echo "$stamp" >"$tmp/deps/$stamp_name"
  rm -rf "$tmp/build" "$build"
  mv "$tmp" "$build"
fi

# ---- 5. into node_modules: hard links where the cache shares the file system, else copies
step "installing the binding and libraries into $package_dir"
rm -rf "$package_dir/deps" "$package_dir/lib"
for dir in deps lib; do
  cp -al "$build/$dir" "$package_dir/$dir" 2>/dev/null || { rm -rf "${package_dir:?}/$dir" && cp -a "$build/$dir" "$package_dir/$dir"; }
done
loads 2>"$log" || { cat "$log" >&2; die "@tensorflow/tfjs-node still does not load" "rerun with --force; if it persists, report the message above"; }
step "done: @tensorflow/tfjs-node $tfjs_node_version on TensorFlow $tf_version loads; gclip --backend node uses it (check: npx gclip doctor)"
