#!/bin/sh
# Build a folder that installs xltools on a Windows machine without internet access (an office
# intranet): the project's own wheel and a wheel of every dependency for 64-bit Windows and each
# supported Python, downloaded here with pip. Copy the folder over (USB stick, shared drive) and run,
# in it, the one line that INSTALL.txt shows:
#
#     pip install --no-index --find-links wheels xltools
#
# Usage: scripts/make-offline-bundle.sh [OUT_DIR] [PYTHON_VERSION ...]
#        (default: xltools-offline, for Python 3.10 3.11 3.12 3.13)
# Needs: pip with access to the package index, run from anywhere in the repository.
# PLATFORM=win_amd64 by default; set it to build for another platform (e.g. manylinux2014_x86_64).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-xltools-offline}
[ $# -gt 0 ] && shift
versions=${*:-3.10 3.11 3.12 3.13}
platform=${PLATFORM:-win_amd64}
python=${PYTHON:-python3}

mkdir -p "$out/wheels"
# The project's own wheel (pure Python: one for every platform and Python).
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$out/wheels" "$root"
wheel=$(ls "$out"/wheels/xltools-*.whl | head -n 1)
for version in $versions; do
    echo "Downloading the dependencies for Python $version on $platform"
    # Binary wheels only: the office machine has no compiler, and pip needs them to resolve for
    # another platform than this one.
    "$python" -m pip download --quiet --dest "$out/wheels" --only-binary=:all: \
        --platform "$platform" --python-version "$version" "$wheel"
done

cat > "$out/INSTALL.txt" <<TEXT
xltools 离线安装（无需联网）/ offline install of xltools

1. 安装 Python（版本：$versions 之一，64 位），安装时勾选 "Add python.exe to PATH"。
2. 在本文件夹中打开命令提示符（在资源管理器地址栏输入 cmd 回车），运行：

   pip install --no-index --find-links wheels xltools

3. 运行 xltools --help 检查安装是否成功。

Built for $platform, Python $versions.
TEXT
echo "Wrote $out ($(ls "$out/wheels" | wc -l) wheels); install with:"
echo "  pip install --no-index --find-links wheels xltools"
