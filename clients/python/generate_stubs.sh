#!/usr/bin/env bash
# Regenerates the Python stubs of mnemo's protos into src/mnemo_client/_pb (or into $1).
# Needs Debian's protobuf-compiler (protoc 3.21) and protobuf-compiler-grpc (grpc_python_plugin).
# `npm run gen:python` runs it; a test fails when the committed stubs differ from what it writes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/src/mnemo_client/_pb}"
plugin="$(command -v grpc_python_plugin)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root/proto"
protos=(mnemo/v1/*.proto)
protoc -I . --python_out="$work" --grpc_out="$work" --plugin=protoc-gen-grpc="$plugin" "${protos[@]}"
cd "$here/proto"
protoc -I . --python_out="$work" mnemo_client/rpc_status.proto

# The stubs live inside the package: absolute imports of mnemo.v1 become mnemo_client._pb.mnemo.v1.
find "$work" -name '*.py' -exec sed -i \
  -e 's/^from mnemo\.v1 import /from mnemo_client._pb.mnemo.v1 import /' {} +
for dir in "$work" "$work/mnemo" "$work/mnemo/v1" "$work/mnemo_client"; do
  : >"$dir/__init__.py"
done
rm -rf "$out"
mkdir -p "$out"
cp -r "$work"/. "$out"/
