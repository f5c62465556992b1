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
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP_DIR = ROOT / ".venv-setup"
PRIVATE_UV_DIR = SETUP_DIR / "uv"
UV_REQUIREMENTS = SETUP_DIR / "uv-requirements.txt"
LOCK = ROOT / "requirements.lock"
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
MIN_PYTHON = (3, 10)


class SetupError(Exception):
    """A prerequisite is missing: the message tells the student what to do."""


def lessons(pyproject: Path = PYPROJECT) -> list[str]:
    """The lesson folders, in teaching order: `[tool.uv.workspace] members` of pyproject.toml.

    This file runs on Python 3.10, which has no TOML reader, so it reads that one array
    itself (a test checks the answer against `tomllib`).
    """
    table = re.search(
        r"^\[tool\.uv\.workspace\]\s*$(.*?)(?=^\[)", pyproject.read_text(), re.M | re.S
    )
    members = table and re.search(r"^members\s*=\s*\[(.*?)\]", table.group(1), re.M | re.S)
    if not members:
        raise SetupError(f"{pyproject.name} has no [tool.uv.workspace] members list")
    body = re.sub(r"#[^\n]*", "", members.group(1))
    return re.findall(r"\"([^\"]+)\"", body)


def lesson_setting(lesson: str, table: str, key: str) -> str | None:
    """A string setting of a lesson's pyproject.toml (`key = "..."` in `[table]`), read
    without a TOML parser (Python 3.10 has none). Two are used: `[tool.maturin] profile`
    (the cargo profile of its release build) and `[tool.workshop] prebuild` (a script
    that runs before the lesson's package is built: the inference lesson compiles its
    WebAssembly module with it)."""
    text = (ROOT / lesson / "pyproject.toml").read_text()
    header = re.escape(f"[{table}]")
    found = re.search(rf"^{header}\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    value = found and re.search(rf'^{re.escape(key)}\s*=\s*"([^"]*)"', found.group(1), re.M)
    return value.group(1) if value else None


def say(message: str) -> None:
    # Wrapped to fit a terminal (a long list of lessons stays readable); lines already
    # broken by the caller are kept.
    lines = [
        wrapped
        for line in message.splitlines() or [""]
        for wrapped in textwrap.wrap(line, width=96, subsequent_indent="    ") or [""]
    ]
    print("\n".join(f"[setup] {line}" for line in lines), flush=True)


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


# The cargo profiles a lesson can be built with: `release` for everything students run
# and time (fat LTO, one codegen unit), `exercise` for `exercises check` (no LTO,
# incremental: a one-line edit rebuilds in seconds; see the root Cargo.toml).
PROFILES = ("release", "exercise")


def install_members(
    uv: Path, env: dict[str, str], crates: list[str], profile: str = "release"
) -> None:
    """Build and install the members whose sources (or build profile) changed since
    their last install."""
    for crate in crates:
        prebuild = lesson_setting(crate, "tool.workshop", "prebuild")
        if prebuild:
            run([sys.executable, ROOT / crate / prebuild], env=env, cwd=ROOT)
    stale: dict[str, str] = {}
    for package in [".", *crates]:
        stamp = build_stamp(package)
        digest = source_digest(build_inputs(package))
        if package != ".":
            digest += f" {profile}"
        if not stamp.exists() or stamp.read_text().strip() != digest:
            stale[package] = digest
    if not stale:
        return
    names = ["workshop (tooling)" if p == "." else p for p in stale]
    mode = "release mode" if profile == "release" else f"the fast `{profile}` profile"
    say(f"building {', '.join(names)} ({mode}; cargo recompiles only what changed)")
    # maturin's build backend reads extra `maturin build` arguments from
    # MATURIN_PEP517_ARGS; the lessons' `[tool.uv] cache-keys` include it, so each profile
    # has its own wheel. A lesson whose release profile is its own (the inference lesson's
    # is already fast to rebuild) keeps it for the checks too. A value already in the
    # environment wins: the tests build in a debug profile.
    groups: dict[str | None, list[str]] = {}
    for package in stale:
        own = package != "." and lesson_setting(package, "tool.maturin", "profile") != "release"
        groups.setdefault(None if profile == "release" or own else profile, []).append(package)
    for group_profile, packages in groups.items():
        cmd: list[str | Path] = [
            uv,
            "pip",
            "install",
            "--verbose",  # streams cargo's output, read by `show_build_progress`
            "--python",
            venv_python(),
            "--no-deps",
            "--no-build-isolation",
        ]
        for package in packages:
            cmd += ["--editable", ROOT] if package == "." else [ROOT / package]
        build_env = dict(env)
        if group_profile is not None:
            build_env.setdefault("MATURIN_PEP517_ARGS", f"--profile {group_profile}")
        show_build_progress(cmd, build_env)
    for package, digest in stale.items():
        build_stamp(package).write_text(digest + "\n")


BUILD_LOG = SETUP_DIR / "last-build.log"


def show_build_progress(cmd: list[str | Path], env: dict[str, str]) -> None:
    """Run uv's build, printing one line per crate cargo compiles (with a count and the
    time so far) instead of staying silent for minutes; the whole output goes to
    `.venv-setup/last-build.log`. On failure, uv's own report (which holds the
    compiler's errors) is printed and CalledProcessError raised, as `run` does."""
    started = time.perf_counter()
    compiled = 0
    kept: list[str] = []
    report: list[str] = []  # uv's own (non-debug) lines: its summary and, on failure, the error
    with subprocess.Popen(
        [str(c) for c in cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=env,
        cwd=ROOT,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            kept.append(line)
            if not line.startswith(("DEBUG", "TRACE")):
                report.append(line)
                continue
            words = line.split(maxsplit=3)
            if len(words) >= 3 and words[1] == "Compiling":
                compiled += 1
                elapsed = time.perf_counter() - started
                what = " ".join(words[2:]).strip()
                say(f"  [{compiled:3d} crates, {elapsed:4.0f} s] compiling {what}")
    BUILD_LOG.write_text("".join(kept), encoding="utf-8")
    if proc.returncode:
        sys.stdout.write("".join(report))
        print(f"[setup] the whole build output is in {BUILD_LOG.relative_to(ROOT)}")
        raise subprocess.CalledProcessError(proc.returncode, cmd)


LOCK_HEADER = """\
# Hash-pinned Python packages of the workshop, made by `make lock` from pyproject.toml
# and installed by .venv-setup/bootstrap.py. No URL and no host name may appear here.
"""


LESSON_BLOCK = re.compile(
    r"^[ \t]*# lesson packages: begin[^\n]*\n(?P<body>.*?)^[ \t]*# lesson packages: end",
    re.M | re.S,
)


def lesson_blocks(text: str, folders: list[str]) -> str:
    """pyproject.toml with its two `lesson packages` blocks written from `folders`: the
    root's dependency on each lesson package (so that `uv sync` installs them all) and
    the lesson's workspace source."""
    blocks = list(LESSON_BLOCK.finditer(text))
    if len(blocks) != 2:
        raise SetupError("pyproject.toml must hold two `# lesson packages: begin/end` blocks")
    packages = [folder.replace("_", "-") for folder in folders]
    dependencies = "".join(f'  "{name}",\n' for name in packages)
    comment = re.match(r"(?:[ \t]*#[^\n]*\n)*", blocks[1]["body"]).group(0)
    sources = comment + "".join(
        f"{name} = {{ workspace = true, editable = false }}\n" for name in packages
    )
    out = text
    for block, body in reversed(list(zip(blocks, [dependencies, sources], strict=True))):
        out = out[: block.start("body")] + body + out[block.end("body") :]
    return out


def refresh_lock(uv: Path, env: dict[str, str]) -> None:
    """`make lock`: write the lesson packages and the resolution date into pyproject.toml,
    resolve it for every platform and write requirements.lock."""
    text = lesson_blocks(PYPROJECT.read_text(), lessons())
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    text, found = re.subn(r'^exclude-newer = "[^"]*"', f'exclude-newer = "{now}"', text, flags=re.M)
    if found != 1:
        raise SetupError("pyproject.toml must set `exclude-newer` once in [tool.uv]")
    PYPROJECT.write_text(text)
    say(f"resolving pyproject.toml (all platforms, Python >= 3.10, releases up to {now})")
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
    """`bootstrap.py [LESSON ...] [--profile exercise] [--lock] [--list-lessons]`."""
    started = time.perf_counter()
    try:
        all_lessons = lessons()
        if "--list-lessons" in argv:
            print("\n".join(all_lessons))
            return 0
        profile = argv[argv.index("--profile") + 1] if "--profile" in argv else "release"
        if profile not in PROFILES:
            raise SetupError(f"--profile must be one of {', '.join(PROFILES)}, got {profile!r}")
        unknown = [a for a in argv if not a.startswith("--") and a not in (*all_lessons, profile)]
        if unknown:
            raise SetupError(
                f"unknown lesson {', '.join(unknown)}; the lessons are {', '.join(all_lessons)}"
            )
        crates = [a for a in argv if a in all_lessons] or all_lessons
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
        install_members(uv, env, crates, profile)
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
