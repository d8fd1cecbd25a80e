"""Size: what `sam build` puts in the layer and in each function's package, unzipped and zipped.

sam build runs from its own virtual environment (.venv-sam, made by `make bench`: aws-sam-cli pins its own
boto3) with the runtime's python3.13 on the PATH, which is all it needs without Docker. Where sam is missing,
the layer is built by its own recipe (layers/common/Makefile, what sam build runs) and each function's package
is its folder, which is what sam build copies for a function without requirements.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from local.template import ROOT, FunctionSpec

SAM = ROOT / ".venv-sam" / "bin" / "sam"


@dataclass(frozen=True)
class Package:
    name: str
    files: int
    unzipped: int
    zipped: int
    top_level: tuple[str, ...]


@dataclass(frozen=True)
class Sizes:
    built_by: str
    layer: Package | None
    functions: list[Package]
    note: str = ""


def _python313_dir() -> str | None:
    finder = str(ROOT / "tools" / "find-python313")
    found = subprocess.run([finder], capture_output=True, text=True, check=False)  # noqa: S603 - the project's tool
    return str(Path(found.stdout.strip()).parent) if found.returncode == 0 else None


def measure_package(name: str, folder: Path) -> Package:
    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder))
    return Package(
        name=name,
        files=len(files),
        unzipped=sum(path.stat().st_size for path in files),
        zipped=len(buffer.getvalue()),
        top_level=tuple(sorted(child.name for child in folder.iterdir())),
    )


def measure(specs: dict[str, FunctionSpec]) -> Sizes:
    python_dir = _python313_dir()
    environment = dict(os.environ)
    if python_dir:
        environment["PATH"] = f"{python_dir}{os.pathsep}{environment.get('PATH', '')}"
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        build = Path(scratch) / "build"
        if SAM.exists() and python_dir:
            done = subprocess.run(  # noqa: S603 - sam from .venv-sam, our own arguments
                [str(SAM), "build", "--build-dir", str(build), "--cache-dir", str(Path(scratch) / "cache")],
                cwd=ROOT,
                env=environment | {"SAM_CLI_TELEMETRY": "0"},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if done.returncode == 0:
                layer = next((build / name for name in ("CommonLayer",) if (build / name).exists()), None)
                return Sizes(
                    built_by="sam build",
                    layer=measure_package("CommonLayer", layer) if layer else None,
                    functions=[measure_package(name, build / name) for name in specs if (build / name).exists()],
                )
            note = "sam build failed (" + (done.stderr.strip().splitlines() or ["no output"])[-1][:200] + "); "
        else:
            note = "sam is not installed (.venv-sam) or python3.13 is not found; "
        layer_dir = Path(scratch) / "layer"
        made = subprocess.run(  # noqa: S603 - make, the layer's own recipe
            [
                shutil.which("make") or "make",
                "-s",
                "-C",
                str(ROOT / "layers" / "common"),
                "build-CommonLayer",
                f"ARTIFACTS_DIR={layer_dir}",
            ],
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        layer_package = measure_package("CommonLayer", layer_dir) if made.returncode == 0 else None
        if layer_package is None:
            note += "the layer recipe failed too (" + (made.stderr.strip().splitlines() or ["?"])[-1][:200] + ")"
        else:
            note += "the layer was built by its recipe (layers/common/Makefile), the functions are their folders"
        functions = []
        for name, spec in specs.items():
            copy = Path(scratch) / "functions" / name
            shutil.copytree(spec.folder, copy, ignore=shutil.ignore_patterns("__pycache__"))
            functions.append(measure_package(name, copy))
        return Sizes(built_by="layer recipe", layer=layer_package, functions=functions, note=note)
