"""Set up the workshop's Python environment in ``.venv``; every Makefile target runs this first.

What it does, in order, each step skipped when already done:

1. checks the prerequisites: Python >= 3.10 (the interpreter running this file), a Rust
   toolchain (``cargo``) and a C linker, with a clear message when one is missing;
2. finds ``uv``: the version pinned in ``uv-requirements.txt``, installed with pip into
   ``.venv-setup/uv/`` (private to this checkout and git-ignored; never system-wide);
3. creates ``.venv`` with this same interpreter (uv never downloads a Python here);
4. installs the hash-pinned lock ``requirements.lock`` into it;
5. builds and installs the lesson crates (release mode, by maturin) and the ``workshop``
   tooling package. uv keeps the built wheels in its cache keyed on the Rust sources
   (``[tool.uv] cache-keys`` in each crate's pyproject.toml), so a crate is rebuilt only
   when one of its files changed, and cargo recompiles only what changed inside it.

Run it directly with ``python3 .venv-setup/bootstrap.py`` or through ``make setup``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP_DIR = ROOT / ".venv-setup"
PRIVATE_UV_DIR = SETUP_DIR / "uv"
UV_REQUIREMENTS = SETUP_DIR / "uv-requirements.txt"
LOCK = ROOT / "requirements.lock"
VENV = ROOT / ".venv"
CRATES = ["poly_match_rs", "ml_demos_rs", "inference_rs"]
MIN_PYTHON = (3, 10)
# A step a lesson needs before maturin builds its package, quick when nothing changed:
# the inference lesson compiles its WebAssembly module into its Python package (or
# says how to add the wasm32 target when no compiler here has it).
PRE_BUILDS = {"inference_rs": ROOT / "inference_rs" / "wasm" / "build_wasm.py"}


class SetupError(Exception):
    """A prerequisite is missing: the message tells the student what to do."""


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        raise SetupError(
            f"Python {found} is too old: the workshop needs Python >= 3.10.\n"
            "Run make with a newer interpreter, for example: make PYTHON=python3.11"
        )


def find_cargo() -> str:
    cargo = shutil.which("cargo")
    if cargo is None:
        home_cargo = Path.home() / ".cargo" / "bin" / "cargo"
        if home_cargo.exists():
            # rustup installed it but this shell has not sourced ~/.cargo/env yet.
            os.environ["PATH"] = f"{home_cargo.parent}{os.pathsep}{os.environ['PATH']}"
            cargo = str(home_cargo)
    if cargo is None:
        raise SetupError(
            "No Rust toolchain found (the `cargo` command is missing).\n"
            "Install Rust with rustup (see the README, section Prerequisites), open a new\n"
            "terminal so that ~/.cargo/bin is on your PATH, and run the command again."
        )
    return cargo


def check_linker() -> None:
    if os.name == "nt":
        return  # rustup's MSVC toolchain checks for the Visual Studio linker itself.
    if not any(shutil.which(name) for name in ("cc", "gcc", "clang")):
        hint = (
            "run `xcode-select --install`"
            if sys.platform == "darwin"
            else "install your distribution's C compiler package "
            "(Debian/Ubuntu: `sudo apt install build-essential`, Fedora: `sudo dnf install gcc`)"
        )
        raise SetupError(
            "No C linker found (cc, gcc or clang): Rust needs one to link Python extensions.\n"
            f"To fix it, {hint}, then run the command again."
        )


def run(cmd: list[str | Path], **kwargs) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def wanted_uv_version() -> str:
    for line in UV_REQUIREMENTS.read_text().splitlines():
        if line.startswith("uv=="):
            return line.split("==")[1].split()[0]
    raise SetupError(f"{UV_REQUIREMENTS} does not pin uv")


def uv_version(uv: Path) -> str | None:
    try:
        out = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.split()[1] if out.stdout.startswith("uv ") else None


def find_uv() -> Path:
    """The pinned uv, installed once with pip into .venv-setup/uv/ (or $WORKSHOP_UV)."""
    if os.environ.get("WORKSHOP_UV"):
        return Path(os.environ["WORKSHOP_UV"])
    exe = "uv.exe" if os.name == "nt" else "uv"
    scripts = "Scripts" if os.name == "nt" else "bin"
    uv = PRIVATE_UV_DIR / scripts / exe
    version = wanted_uv_version()
    if uv_version(uv) == version:
        return uv
    say(f"installing uv {version} into .venv-setup/uv/ (private to this checkout)")
    shutil.rmtree(PRIVATE_UV_DIR, ignore_errors=True)
    try:
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--no-deps",
                "--target",
                PRIVATE_UV_DIR,
                "-r",
                UV_REQUIREMENTS,
            ],
            env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"},
        )
    except subprocess.CalledProcessError as err:
        raise SetupError(
            "Could not install uv with pip. Check that this Python has pip "
            f"(`{sys.executable} -m pip --version`) and that the Python package registry is "
            "reachable, or point WORKSHOP_UV at an existing uv executable."
        ) from err
    if uv_version(uv) != version:
        raise SetupError(f"uv was installed but {uv} does not run")
    return uv


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def ensure_venv(uv: Path, env: dict[str, str]) -> None:
    python = venv_python()
    if python.exists():
        try:
            out = subprocess.run(
                [str(python), "-c", "import sys; print(sys.base_prefix)"],
                capture_output=True,
                text=True,
                check=True,
            )
            if Path(out.stdout.strip()).resolve() == Path(sys.base_prefix).resolve():
                return
        except (OSError, subprocess.CalledProcessError):
            pass
        say(".venv was made by another Python: recreating it")
    say(f"creating .venv with {sys.executable}")
    run([uv, "venv", "--quiet", "--clear", "--python", sys.executable, VENV], env=env)


def install_lock(uv: Path, env: dict[str, str]) -> None:
    """Install the hash-pinned lock; an exact sync only when the lock changed."""
    stamp = VENV / ".workshop-lock-sha256"
    digest = lock_digest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    say("installing the locked Python packages (requirements.lock)")
    # `sync` also removes packages the lock no longer lists; the lesson crates go
    # with them and come straight back from uv's cache in the next step.
    run(
        [uv, "pip", "sync", "--quiet", "--require-hashes", "--python", venv_python(), LOCK], env=env
    )
    stamp.write_text(digest + "\n")
    for old in VENV.glob(".workshop-build-*"):  # sync removed the members: build them again
        old.unlink()


def source_digest(paths: list[Path]) -> str:
    """A fingerprint of the files a build depends on: their names, sizes and times."""
    entries = []
    for top in paths:
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for f in files:
            if f.exists() and "__pycache__" not in f.parts:
                st = f.stat()
                entries.append(f"{f.relative_to(ROOT)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def build_inputs(package: str) -> list[Path]:
    """What a member's build reads (the same list as its `[tool.uv] cache-keys`)."""
    if package == ".":  # the editable `workshop` package: only its metadata matters
        return [ROOT / "pyproject.toml"]
    crate = ROOT / package
    return [
        ROOT / "Cargo.toml",
        ROOT / "Cargo.lock",
        crate / "Cargo.toml",
        crate / "pyproject.toml",
        crate / "src",
        crate / "python",
    ]


def build_stamp(package: str) -> Path:
    """Where the fingerprint of a member's last installed build is kept (inside .venv)."""
    return VENV / f".workshop-build-{'workshop' if package == '.' else package}"


def install_members(uv: Path, env: dict[str, str], crates: list[str]) -> None:
    """Build and install the members whose sources changed since their last install."""
    for crate in crates:
        if crate in PRE_BUILDS:
            run([sys.executable, PRE_BUILDS[crate]], env=env, cwd=ROOT)
    stale: dict[str, str] = {}
    for package in [".", *crates]:
        stamp = build_stamp(package)
        digest = source_digest(build_inputs(package))
        if not stamp.exists() or stamp.read_text().strip() != digest:
            stale[package] = digest
    if not stale:
        return
    names = ["workshop (tooling)" if p == "." else p for p in stale]
    say(f"building {', '.join(names)} (release mode; cargo recompiles only what changed)")
    cmd: list[str | Path] = [
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        venv_python(),
        "--no-deps",
        "--no-build-isolation",
    ]
    for package in stale:
        cmd += ["--editable", ROOT] if package == "." else [ROOT / package]
    run(cmd, env=env, cwd=ROOT)
    for package, digest in stale.items():
        build_stamp(package).write_text(digest + "\n")


LOCK_HEADER = """\
# Hash-pinned Python packages of the workshop, made by `make lock` from pyproject.toml
# and installed by .venv-setup/bootstrap.py. No URL and no host name may appear here.
"""


def refresh_lock(uv: Path, env: dict[str, str]) -> None:
    """`make lock`: resolve pyproject.toml for every platform and write requirements.lock."""
    say("resolving pyproject.toml (all platforms, Python >= 3.10)")
    run([uv, "lock", "--quiet"], env=env, cwd=ROOT)
    exported = subprocess.run(
        [
            str(uv),
            "export",
            "--quiet",
            "--format",
            "requirements-txt",
            "--all-groups",
            "--no-emit-workspace",
            "--no-annotate",
            "--no-header",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "://" in exported:
        raise SetupError("uv export produced a URL; refusing to write requirements.lock")
    LOCK.write_text(LOCK_HEADER + exported)
    say(f"wrote {LOCK.name}: {exported.count('==')} pinned packages")


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"  # use the installed Python, never fetch one
    env["VIRTUAL_ENV"] = str(VENV)
    # maturin runs from the venv (no build isolation): put its bin folder first.
    env["PATH"] = f"{venv_python().parent}{os.pathsep}{env['PATH']}"
    # Builds of the crates and `cargo test` both use this interpreter.
    env["PYO3_PYTHON"] = str(venv_python())
    return env


def main(argv: list[str]) -> int:
    crates = [a for a in argv if a in CRATES] or CRATES
    started = time.perf_counter()
    try:
        check_python()
        uv = find_uv()
        env = build_env()
        if "--lock" in argv:
            refresh_lock(uv, env)
            return 0
        find_cargo()
        check_linker()
        ensure_venv(uv, env)
        install_lock(uv, env)
        install_members(uv, env, crates)
    except SetupError as err:
        print(f"\n[setup] cannot set up the workshop:\n{err}\n", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"\n[setup] a setup step failed: {' '.join(map(str, err.cmd))}", file=sys.stderr)
        print(
            "[setup] read the messages above; `make clean` then `make setup` starts afresh.",
            file=sys.stderr,
        )
        return err.returncode or 1
    say(f"environment ready in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
