"""The kubectl shim: a terminal's kubectl runs on the same simulated cluster as the notebook."""

from __future__ import annotations

import os
import subprocess

from grader.k8s.kubectl import run
from grader.k8s.shim import install, main


def test_shim_shares_the_cluster_and_reads_stdin(sandbox_dir, tmp_path):
    shim = install(tmp_path / "bin")
    assert os.access(shim, os.X_OK) and shim.name == "kubectl"
    env = dict(os.environ, COURSE_SANDBOX_DIR=str(sandbox_dir))
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n"
    done = subprocess.run(
        [str(shim), "apply", "-f", "-"],
        input=manifest,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (0, "configmap/cfg created\n")
    assert run(["get", "cm", "-o", "name"]).stdout == "configmap/cfg\n"
    bad = subprocess.run([str(shim), "get", "pods", "-l"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: flag needs an argument: 'l' in -l")


def test_module_usage(capsys):
    assert main([]) == 2
    assert "usage: python -m grader.k8s.shim BIN_DIR" in capsys.readouterr().err
