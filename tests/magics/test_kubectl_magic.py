"""The %%kubectl cell magic: kubectl and etcdctl lines, stubs, non-kubectl lines."""

from __future__ import annotations

from IPython.testing.globalipapp import get_ipython

from grader import kubectl_magic as magic


def test_cell_runs_each_line_and_records_history(sandbox_dir, capsys):
    from grader.history import entries

    code = magic.run_cell(
        "kubectl create deployment web --image=nginx:1.27\n# a comment\nkubectl get deploy "
        "-o name\n"
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out == "deployment.apps/web created\ndeployment.apps/web\n"
    assert [e.argv[:2] for e in entries()] == [["kubectl", "create"], ["kubectl", "get"]]
    assert {e.source for e in entries()} == {"magic"}


def test_errors_print_kubectl_words_and_do_not_raise(sandbox_dir, capsys):
    assert magic.run_cell("kubectl get pods --bogus\n") == 1
    err = capsys.readouterr().err
    assert err == "Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"


def test_release_stub_gets_a_clear_message(sandbox_dir, capsys):
    code = magic.run_cell("### BEGIN SOLUTION\n# YOUR CODE HERE\nraise NotImplementedError()\n")
    assert code == 1
    assert "has no kubectl commands yet" in capsys.readouterr().err


def test_other_commands_are_refused_like_a_shell(sandbox_dir, capsys):
    assert magic.run_cell("docker ps\n") == 127
    assert capsys.readouterr().err.startswith("docker: command not found")
    assert magic.run_cell("kubectl get 'pods\n") == 2
    assert "cannot read this line" in capsys.readouterr().err


def test_etcdctl_snapshot_save_and_restore(sandbox_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    magic.run_cell("kubectl create deployment web --image=nginx:1.27\netcdctl snapshot save b.db\n")
    assert "Snapshot saved at b.db" in capsys.readouterr().out
    magic.run_cell(
        "kubectl delete deploy web\netcdctl snapshot restore b.db\nkubectl get deploy -o name\n"
    )
    assert capsys.readouterr().out.endswith("deployment.apps/web\n")
    assert magic.run_cell("etcdctl snapshot restore missing.db\n") == 1
    assert "no such file or directory" in capsys.readouterr().err
    assert magic.run_cell("etcdctl member list\n") == 1


def test_load_ext_registers_kubectl_magics(sandbox_dir, capsys):
    shell = get_ipython()
    shell.run_line_magic("load_ext", "grader.magics")
    shell.run_cell_magic("kubectl", "", "kubectl get nodes -o name\n")
    shell.run_line_magic("kubectl", "get nodes -o name")
    assert capsys.readouterr().out.count("node/worker-2\n") == 2
