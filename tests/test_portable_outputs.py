"""Every stored output holds on CPUs other than this one (see cpu_levels.py)."""

import re

import cpu_levels
import pytest

RUNS = {run.name: run for run in cpu_levels.planned_runs()}


@pytest.mark.cpu_levels
@pytest.mark.parametrize("name", RUNS)
def test_stored_outputs_hold_on_another_cpu(name, cpu_level_runs):
    run = cpu_level_runs[name]
    run.proc.wait(timeout=900)
    log = run.log.read_text(errors="replace")
    assert cpu_levels.capability_under(run) == run.level, (
        "the kernel level did not take"
    )
    failed = re.findall(r"^FAILED .*$", log, flags=re.M)
    assert run.proc.returncode == 0, (
        f"nbval under ATEN_CPU_CAPABILITY={run.level} and {run.threads or 'the default'} "
        f"thread(s) failed: a stored output depends on the CPU.\n"
        + "\n".join(failed)
        + "\n\n"
        + log[-6000:]
    )
    assert re.search(r"\d+ passed", log), log[-2000:]
