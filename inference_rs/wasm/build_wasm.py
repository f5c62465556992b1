"""Build the WebAssembly module of the inference lesson: ``python build_wasm.py [--out DIR]``.

The setup (``.venv-setup/bootstrap.py``) runs this before it builds the ``inference_rs``
package, so the module ``inference_wasm.wasm`` lands in ``python/inference_rs/`` (git-ignored)
and ships in the package. It uses the standard library only and is quick when nothing
changed (a digest of the sources and of the compiler is kept beside the build).

It compiles ``src/lib.rs`` with ``rustc`` directly (no cargo, no dependency) for
``wasm32-unknown-unknown``, with the first compiler that has that target:

1. the ``rustc`` on the PATH (rustup's: ``rustup target add wasm32-unknown-unknown``
   installs the target; its own ``rust-lld`` links);
2. a distribution's ``/usr/bin/rustc`` with the wasm32 standard library (Debian:
   ``apt install rustc libstd-rust-dev-wasm32 lld-14``), linked by ``wasm-ld``.

With none, it says how to add the target, removes a module left from older sources, and
exits 0: the rest of the workshop works, and the wasm stage says it is not built. A
compiler error is an error (exit 1) with the compiler's message.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LESSON = HERE.parent
SOURCES = [HERE / "src" / "lib.rs", LESSON / "src" / "scratch.rs"]
DEFAULT_OUT = LESSON / "python" / "inference_rs"
MODULE = "inference_wasm.wasm"
TARGET = "wasm32-unknown-unknown"
# simd128: 128-bit vector instructions, which every current WebAssembly runtime runs
# (wasmtime, browsers); the compiler turns the forward pass's loops into them.
FLAGS = [
    "--edition=2021",
    "--crate-type=cdylib",
    "--crate-name=inference_wasm",
    f"--target={TARGET}",
    "-Copt-level=3",
    "-Ccodegen-units=1",
    "-Cpanic=abort",
    "-Cstrip=symbols",
    "-Ctarget-feature=+simd128",
]
HOW_TO_ADD = (
    "no Rust compiler here can build for wasm32-unknown-unknown, so the WebAssembly\n"
    "stage (infer_wasm_scratch) is not built. To add the target:\n"
    "    rustup target add wasm32-unknown-unknown\n"
    "(on Debian/Ubuntu without rustup: apt install rustc libstd-rust-dev-wasm32 lld-14)\n"
    "then run `make setup` again."
)


@dataclass(frozen=True)
class Compiler:
    rustc: str
    linker: str | None  # None: the toolchain links wasm itself (rustup's rust-lld)
    version: str

    def command(self, source: Path, output: Path) -> list[str]:
        linker = [f"-Clinker={self.linker}"] if self.linker else []
        return [self.rustc, *FLAGS, *linker, "-o", str(output), str(source)]


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def has_wasm_std(rustc: str) -> bool:
    """Whether this compiler's sysroot holds the wasm32 standard library."""
    try:
        out = run([rustc, "--print", "target-libdir", f"--target={TARGET}"])
    except OSError:
        return False
    libdir = Path(out.stdout.strip())
    return out.returncode == 0 and libdir.is_dir() and any(libdir.glob("libstd-*.rlib"))


def bundled_linker(rustc: str) -> bool:
    """Whether the toolchain ships rust-lld (rustup's does; a distribution's may not)."""
    out = run([rustc, "--print", "sysroot"])
    if out.returncode != 0:
        return False
    return any(Path(out.stdout.strip()).glob("lib/rustlib/*/bin/rust-lld"))


def wasm_linker() -> str | None:
    for name in ["wasm-ld", *(f"wasm-ld-{v}" for v in range(21, 12, -1))]:
        if shutil.which(name):
            return name
    return None


def find_compiler() -> Compiler | None:
    candidates = [c for c in (shutil.which("rustc"), "/usr/bin/rustc") if c and Path(c).exists()]
    for rustc in dict.fromkeys(candidates):
        if not has_wasm_std(rustc):
            continue
        linker = None if bundled_linker(rustc) else wasm_linker()
        if linker is None and not bundled_linker(rustc):
            continue
        version = run([rustc, "--version"]).stdout.strip()
        return Compiler(rustc, linker, version)
    return None


def digest(compiler: Compiler | None) -> str:
    h = hashlib.sha256(" ".join(FLAGS).encode())
    h.update((compiler.version if compiler else "").encode())
    for source in SOURCES:
        h.update(source.read_bytes())
    return h.hexdigest()


def build(out_dir: Path = DEFAULT_OUT, quiet: bool = False) -> Path | None:
    """Build (or keep) ``out_dir/inference_wasm.wasm``; None when no compiler can."""
    module = out_dir / MODULE
    stamp = out_dir / f".{MODULE}.sha256"
    compiler = find_compiler()
    if compiler is None:
        for stale in (module, stamp):
            stale.unlink(missing_ok=True)
        print(f"[setup] {HOW_TO_ADD}", file=sys.stderr)
        return None
    wanted = digest(compiler)
    if module.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return module
    if not quiet:
        print(f"[setup] building {MODULE} with {compiler.version}", flush=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".{MODULE}.partial"
    result = run(compiler.command(SOURCES[0], partial))
    if result.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        raise BuildFailed(result.stderr or result.stdout)
    partial.replace(module)
    stamp.write_text(wanted + "\n")
    return module


class BuildFailed(RuntimeError):
    """The compiler refused the sources: its message says why."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the module goes")
    parser.add_argument("--quiet", action="store_true", help="say nothing when it builds")
    args = parser.parse_args(argv)
    try:
        build(args.out, args.quiet)
    except BuildFailed as err:
        print(f"error: the WebAssembly module does not compile:\n{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
