#!/usr/bin/env bash
# Regenerate tbx_tui/proto/*_pb2.py(i) from proto/tbx_tui/proto/*.proto.
# The protoc that grpcio-tools 1.74.0 bundles (libprotoc 31.1) emits gencode 6.31.1, the same floor
# TensorBoard 2.21 uses, so the runtime pin in pyproject.toml is protobuf>=6.31.1,<8.
# Usage: pip install grpcio-tools==1.74.0 && bash proto/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
python -m grpc_tools.protoc --version | grep -q "libprotoc 31.1" || {
  echo "need grpcio-tools==1.74.0 (libprotoc 31.1) for gencode 6.31.1" >&2; exit 1; }
python -m grpc_tools.protoc -I "$here" --python_out="$root" --pyi_out="$root" "$here"/tbx_tui/proto/*.proto
echo "regenerated: $(ls "$root"/tbx_tui/proto/*_pb2.py | wc -l) modules"
