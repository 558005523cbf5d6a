#!/bin/sh
# Checks out the reference implementations of the extra golden cases at their pinned
# commits (refs.py lists them) and copies the files make_extra.py reads into DIR.
#   test/golden/gen/fetch_refs.sh /tmp/gclip-refs
set -eu
dir=${1:?usage: fetch_refs.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
get() { # repo commit path file
  git clone --quiet "https://github.com/$1" "$work/$4.repo"
  git -C "$work/$4.repo" show "$2:$3" > "$dir/$4"
}
get bluorion-com/ZClip 584ce4f5a4aabab59e7df1dbaffc26a44df39dc1 zclip/zclip.py zclip.py
get lishuai-97/AdaGC 32c249fa365e08169779d63d416bfa76c2be31fc megatron-gpt2.patch megatron-gpt2.patch
get warner-benjamin/optimi 17a3d5422f3e41bb8973e1e4c9b39206c0d93b6d tests/reference/stableadamwunfused.py stableadamwunfused.py
echo "references in $dir"
