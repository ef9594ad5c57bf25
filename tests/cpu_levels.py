"""nbval over the chapters on other CPUs than this one's best, run beside the rest of the suite.

A stored output must not depend on the CPU: its vector unit (PyTorch's
ATEN_CPU_CAPABILITY and NumPy's SIMD dispatch), its thread count or the order
of a reduction. This machine can imitate lesser CPUs, so each run below
replays every chapter against its stored outputs as one of them would.
The runs start when collection ends (conftest.py) and run while the other
tests do; tests/test_portable_outputs.py waits for them.
"""

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# PyTorch's CPU kernel levels, lowest first.
TORCH_LEVELS = ["default", "avx2", "avx512"]


def native_level() -> str:
    import torch

    return torch.backends.cpu.get_cpu_capability().lower()


def numpy_dispatch_above(level: str) -> list[str]:
    """NumPy's SIMD targets a CPU of ``level`` would not have."""
    from numpy._core._multiarray_umath import __cpu_dispatch__

    if level == "default":
        return list(__cpu_dispatch__)  # the baseline only
    if level == "avx2":
        return [t for t in __cpu_dispatch__ if "AVX512" in t or t == "X86_V4"]
    return []


@dataclass
class Run:
    level: str
    threads: int | None
    proc: subprocess.Popen | None = None
    log: Path | None = None
    env: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.level}-{self.threads or 'default'}-threads"


def planned_runs() -> list[Run]:
    """The portable kernels on one thread, and AVX2 where this CPU has more."""
    runs = [Run("default", threads=1)]
    native = native_level()
    if native in TORCH_LEVELS and TORCH_LEVELS.index(native) > TORCH_LEVELS.index(
        "avx2"
    ):
        runs.append(Run("avx2", threads=None))
    return runs


def start(run: Run) -> Run:
    env = {
        **os.environ,
        "ATEN_CPU_CAPABILITY": run.level,
        "PYTHONHASHSEED": "0",
        "JUPYTER_PREFER_ENV_PATH": "1",
    }
    disabled = numpy_dispatch_above(run.level)
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = ",".join(disabled)
    if run.threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(run.threads)
    run.env = env
    run.log = Path(tempfile.mkstemp(prefix=f"nbval-{run.name}-", suffix=".log")[1])
    with open(run.log, "w") as log:
        run.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "chapters",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "console_output_style=classic",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return run


def capability_under(run: Run) -> str:
    """What PyTorch reports under the run's environment (proves the level took)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import torch; print(torch.backends.cpu.get_cpu_capability())",
        ],
        env=run.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().lower()
