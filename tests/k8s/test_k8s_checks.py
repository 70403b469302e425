"""The Kubernetes checks: teaching messages on failure, silence on success, no answers shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import checks as check
from grader.checks import CheckFailed
from grader.k8s.cluster import Cluster
from grader.kubectl_magic import run_cell

FILES = Path(__file__).resolve().parents[1] / "data" / "k8s" / "files"


@pytest.fixture
def workdir(sandbox_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FILES / "web-deployment.yaml", tmp_path)
    both = (
        (FILES / "web-deployment.yaml").read_text()
        + "---\n"
        + (FILES / "web-service.yaml").read_text()
    )
    (tmp_path / "web.yaml").write_text(both)
    return tmp_path


def test_manifest_apply_and_reachability_pass(workdir, capsys):
    objs = check.k8s_manifest("web.yaml", kinds=("Deployment", "Service"), min_replicas=2)
    assert [o["kind"] for o in objs] == ["Deployment", "Service"]
    check.start("web")
    with pytest.raises(CheckFailed, match="kubectl apply -f web.yaml was not run"):
        check.k8s_applied("web.yaml", exercise="web")  # no check applies a file for the student
    run_cell("kubectl apply -f web.yaml --dry-run=client\n")
    with pytest.raises(CheckFailed, match="kubectl apply -f web.yaml was not run"):
        check.k8s_applied("web.yaml", exercise="web")  # a dry run applies nothing
    run_cell("kubectl -n default apply -f .\n")  # the file's folder counts, global flag first
    capsys.readouterr()
    check.k8s_applied("web.yaml", exercise="web")
    check.k8s_pods_running("web", at_least=2)
    check.k8s_image("web", "docker.io/library/nginx:1.27")
    check.k8s_service_type("web", "ClusterIP")
    check.k8s_reachable("web")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✔ web.yaml is applied: the cluster holds what it describes"
    assert out[-1].startswith("✔ Service web (10.96.")
    (workdir / "web.yaml").write_text((workdir / "web.yaml").read_text().replace("2", "3", 1))
    with pytest.raises(CheckFailed, match="differs from web.yaml"):
        check.k8s_applied("web.yaml", exercise="web")
    with pytest.raises(CheckFailed, match="does not run the image asked for"):
        check.k8s_image("web", "nginx:1.72")


def test_a_probe_is_required_and_only_ready_pods_count(workdir, capsys):
    run_cell("kubectl apply -f web-deployment.yaml\n")
    with pytest.raises(CheckFailed, match="has no readiness probe"):
        check.k8s_probe("web")
    manifest = (workdir / "web-deployment.yaml").read_text()
    probe = (
        "        readinessProbe:\n          httpGet:\n            path: /healthz\n"
        "            port: 80\n"
    )
    broken = manifest.replace("        ports:\n", probe + "        ports:\n", 1)
    assert broken != manifest
    (workdir / "web-deployment.yaml").write_text(broken)
    run_cell("kubectl delete deployment web\nkubectl apply -f web-deployment.yaml\n")
    capsys.readouterr()
    check.k8s_probe("web")
    assert capsys.readouterr().out == "✔ the pods of web have a readiness probe (httpGet)\n"
    with pytest.raises(CheckFailed, match="running and ready pod"):
        check.k8s_pods_running("web", at_least=1)  # nginx answers /healthz with 404
    (workdir / "web-deployment.yaml").write_text(broken.replace("/healthz", "/"))
    run_cell("kubectl apply -f web-deployment.yaml\n")
    check.k8s_pods_running("web", at_least=2)


def test_template_labels_and_ports(workdir):
    run_cell("kubectl apply -f web-deployment.yaml\n")
    check.k8s_template("web", labels={"app": "web"}, ports=(80,))
    with pytest.raises(CheckFailed, match="not labelled tier=front") as caught:
        check.k8s_template("web", labels={"tier": "front"})
    assert "found:    app=web" in str(caught.value)
    with pytest.raises(CheckFailed, match="declares the port 8080"):
        check.k8s_template("web", ports=(8080,))


def test_manifest_failures_teach(workdir):
    with pytest.raises(CheckFailed, match="there is no file nope.yaml"):
        check.k8s_manifest("nope.yaml")
    with pytest.raises(CheckFailed, match="holds no Service") as caught:
        check.k8s_manifest("web-deployment.yaml", kinds=("Deployment", "Service"))
    assert "---" in str(caught.value)
    stub = workdir / "stub.yaml"
    stub.write_text("# YOUR CODE HERE\nraise NotImplementedError()\n")
    with pytest.raises(CheckFailed, match="stub.yaml still holds the answer cell's placeholder"):
        check.k8s_manifest("stub.yaml")
    (workdir / "list.yaml").write_text("- just\n- a list\n")
    with pytest.raises(CheckFailed, match="list.yaml has 1 problem") as caught:
        check.k8s_manifest("list.yaml")
    assert "not a mapping of fields" in str(caught.value)
    (workdir / "one.yaml").write_text(
        (workdir / "web.yaml").read_text().replace("replicas: 2", "replicas: 1")
    )
    with pytest.raises(CheckFailed) as caught:
        check.k8s_manifest("one.yaml", min_replicas=2)
    assert "line 8, spec.replicas: replicas is 1: ask for at least 2" in str(caught.value)


def test_unreachable_service_and_missing_deployment(workdir):
    broken = (workdir / "web.yaml").read_text().replace("targetPort: 80", "targetPort: 8080")
    (workdir / "broken.yaml").write_text(broken)
    run_cell("kubectl apply -f broken.yaml\n")
    with pytest.raises(CheckFailed, match="does not reach a pod") as caught:
        check.k8s_reachable("web")
    assert "targetPort 8080" in str(caught.value)
    with pytest.raises(CheckFailed, match="there is no Deployment named website"):
        check.k8s_pods_running("website")


def test_replicas_and_ran(workdir):
    run_cell("kubectl apply -f web.yaml\n")
    check.start("scale")
    with pytest.raises(CheckFailed, match="asks for 2 replica"):
        check.k8s_replicas("web", 3)
    with pytest.raises(CheckFailed, match="no successful kubectl scale"):
        check.k8s_ran("scale", exercise="scale")
    run_cell("kubectl scale --replicas=3 deploy/web\n")
    check.k8s_replicas("web", 3)
    check.k8s_ran("scale", exercise="scale")


def test_ran_names_a_subcommand(workdir):
    run_cell("kubectl apply -f web.yaml\n")
    check.start("rollout")
    run_cell("kubectl rollout history deployment/web\n")
    check.k8s_ran("rollout history", exercise="rollout")
    with pytest.raises(CheckFailed, match="no successful kubectl rollout status"):
        check.k8s_ran("rollout status", exercise="rollout")
    run_cell("kubectl rollout status deploy/web --timeout=30s\n")
    check.k8s_ran("rollout status", exercise="rollout")


def test_ran_judges_the_options_as_kubectl_parsed_them(workdir):
    run_cell("kubectl apply -f web.yaml\n")
    check.start("follow")
    run_cell("kubectl rollout status deployment/web --watch=false\n")
    with pytest.raises(CheckFailed, match="ran with --watch=false") as failed:
        check.k8s_ran("rollout status", exercise="follow", options={"watch": True})
    assert "expected: --watch=true" in str(failed.value)
    check.k8s_ran("rollout status", exercise="follow")  # without options, any form counts
    run_cell("kubectl rollout status -w deploy/web\n")
    check.k8s_ran("rollout status", exercise="follow", options={"watch": True})


RESOURCES = (
    "        resources:\n          requests:\n            cpu: {cpu}\n            memory: 32Mi\n"
    "          limits:\n            cpu: 200m\n{memory}"
)


def _apply_resources(workdir, resources: str) -> None:
    manifest = (FILES / "web-deployment.yaml").read_text()
    (workdir / "web-deployment.yaml").write_text(manifest + resources)
    run_cell("kubectl apply -f web-deployment.yaml\n")


def test_resources_want_every_request_and_limit_and_no_limit_below_its_request(workdir, capsys):
    _apply_resources(workdir, RESOURCES.format(cpu="100m", memory=""))
    with pytest.raises(CheckFailed, match="has no limits.memory") as failed:
        check.k8s_resources("web")
    assert "cpu: 200m" in str(failed.value)  # what the container does set
    _apply_resources(workdir, RESOURCES.format(cpu="0.5", memory="            memory: 64Mi\n"))
    with pytest.raises(CheckFailed, match="requests more cpu than its limit allows"):
        check.k8s_resources("web")  # 0.5 CPU = 500m, over the 200m limit
    _apply_resources(workdir, RESOURCES.format(cpu="0.1", memory="            memory: 64Mi\n"))
    capsys.readouterr()
    check.k8s_resources("web")
    check.k8s_resources("web", requests=("memory",), limits=())
    assert capsys.readouterr().out.splitlines() == [
        "✔ the containers of web request cpu, memory and are limited in cpu, memory",
        "✔ the containers of web request memory",
    ]


PROBE = "        readinessProbe:\n          tcpSocket:\n            port: 80\n"


@pytest.mark.parametrize(
    ("strategy", "replicas", "problem"),
    [
        ("", 2, ""),  # the default 25 % of 2 pods rounds down to 0
        ("", 4, "may take 1 of its 4 pod"),  # ... and 25 % of 4 is one pod
        ("    rollingUpdate:\n      maxUnavailable: 0\n", 4, ""),
        ("    rollingUpdate:\n      maxUnavailable: 0%\n      maxSurge: 50%\n", 4, ""),
        ("    rollingUpdate:\n      maxUnavailable: 1\n", 2, "may take 1 of its 2 pod"),
        ("    type: Recreate\n", 2, "stops every old pod before"),
    ],
)
def test_zero_downtime_judges_the_strategy_by_its_meaning(workdir, strategy, replicas, problem):
    manifest = (FILES / "web-deployment.yaml").read_text()
    manifest = manifest.replace("  replicas: 2\n", f"  replicas: {replicas}\n")
    if strategy:
        manifest = manifest.replace("  selector:", "  strategy:\n" + strategy + "  selector:")
    (workdir / "web-deployment.yaml").write_text(manifest + PROBE)
    run_cell("kubectl apply -f web-deployment.yaml\n")
    if problem:
        with pytest.raises(CheckFailed, match=problem):
            check.k8s_zero_downtime("web")
    else:
        check.k8s_zero_downtime("web")


def test_a_passing_probe_is_asked_as_the_kubelet_asks_it(workdir, capsys):
    manifest = (FILES / "web-deployment.yaml").read_text()
    live = "        livenessProbe:\n          tcpSocket:\n            port: {port}\n"
    (workdir / "web-deployment.yaml").write_text(manifest + live.format(port=8080))
    run_cell("kubectl apply -f web-deployment.yaml\n")
    capsys.readouterr()
    check.k8s_probe("web", "livenessProbe")  # it has one ...
    with pytest.raises(CheckFailed, match="the liveness probe of web fails") as failed:
        check.k8s_probe("web", "livenessProbe", passing=True)  # ... which nothing answers
    assert "8080: connect: connection refused" in str(failed.value)
    (workdir / "web-deployment.yaml").write_text(manifest + live.format(port=80))
    run_cell("kubectl apply -f web-deployment.yaml\n")
    capsys.readouterr()
    check.k8s_probe("web", "livenessProbe", passing=True)
    assert capsys.readouterr().out == (
        "✔ the pods of web have a liveness probe that passes (tcpSocket)\n"
    )


def test_rolled_out_lets_the_probes_delay_pass_without_recording_a_command(workdir, capsys):
    manifest = (FILES / "web-deployment.yaml").read_text()
    delayed = PROBE + "          initialDelaySeconds: 30\n"
    (workdir / "web-deployment.yaml").write_text(manifest + delayed)
    check.start("delay")
    run_cell("kubectl apply -f web-deployment.yaml\n")
    with pytest.raises(CheckFailed, match="0 running and ready"):
        check.k8s_pods_running("web", at_least=2)  # a graded notebook checks at once
    capsys.readouterr()
    check.k8s_rolled_out("web")
    assert capsys.readouterr().out == "✔ the rollout of Deployment web is complete\n"
    check.k8s_pods_running("web", at_least=2)
    with pytest.raises(CheckFailed, match="rollout status"):
        check.k8s_ran("rollout status", exercise="delay")  # the student's own is still asked


def test_rolled_out_fails_when_the_pods_never_get_ready(workdir):
    manifest = (FILES / "web-deployment.yaml").read_text()
    (workdir / "web-deployment.yaml").write_text(manifest + PROBE.replace("80", "8080"))
    run_cell("kubectl apply -f web-deployment.yaml\n")
    with pytest.raises(CheckFailed, match="does not complete") as failed:
        check.k8s_rolled_out("web")
    assert "exceeded its progress deadline" in str(failed.value)
    with pytest.raises(CheckFailed) as again:  # the last status line was printed already
        check.k8s_rolled_out("web")
    assert 'found:    error: deployment "web" exceeded its progress deadline' in str(again.value)


def test_zero_downtime_needs_a_readiness_probe(workdir):
    run_cell("kubectl apply -f web-deployment.yaml\n")
    with pytest.raises(CheckFailed, match="has no readiness probe"):
        check.k8s_zero_downtime("web")


def test_pods_deleted_wants_every_old_pod_gone(workdir):
    run_cell("kubectl create deployment web --image=nginx:1.27 --replicas=3\n")
    run_cell("kubectl run lonely --image=nginx:1.27\n")
    check.start("kill")
    run_cell("kubectl delete pod lonely\n")
    with pytest.raises(CheckFailed, match="3 of the web pods already ran"):
        check.k8s_pods_deleted("kill", app="web", names=("lonely",))
    pods = Cluster.load().list("Pod", "default", {"app": "web"})
    run_cell(f"kubectl delete pod {pods[0]['metadata']['name']}\n")
    with pytest.raises(CheckFailed, match="2 of the web pods"):
        check.k8s_pods_deleted("kill", app="web", names=("lonely",))
    run_cell("kubectl delete po --selector app=web\n")
    check.k8s_pods_deleted("kill", app="web", names=("lonely",))


def test_ingress_env_and_secret(workdir):
    run_cell("kubectl apply -f web.yaml\n")
    with pytest.raises(CheckFailed, match="goes nowhere"):
        check.k8s_routes("my-app.com", "/", "web")
    run_cell("kubectl create ingress site --rule=my-app.com/*=web:80\n")
    with pytest.raises(CheckFailed, match="ingressClassName"):
        check.k8s_routes("my-app.com", "/", "web")
    run_cell(
        "kubectl delete ingress site\n"
        "kubectl create ingress site --class=nginx --rule=my-app.com/*=web:80\n"
    )
    check.k8s_routes("my-app.com", "/", "web")
    with pytest.raises(CheckFailed, match="does not take DB_URL from the ConfigMap cfg"):
        check.k8s_env_from("web", "DB_URL", configmap="cfg")
    run_cell("kubectl create secret generic db --from-literal=password=hunter2\n")
    check.k8s_secret_keys("db", ("password",))
    with pytest.raises(CheckFailed, match="Secret db has no pw"):
        check.k8s_secret_keys("db", ("pw",))


@pytest.mark.parametrize("form", ["env", "envFrom"])
def test_env_from_accepts_env_and_envfrom(workdir, form):
    (workdir / "cfg.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  DB_URL: pg://db\n"
    )
    source = (
        "        env:\n        - name: DB_URL\n          valueFrom:\n            configMapKeyRef:\n"
        "              name: cfg\n              key: DB_URL\n"
        if form == "env"
        else "        envFrom:\n        - configMapRef:\n            name: cfg\n"
    )
    text = (workdir / "web-deployment.yaml").read_text()
    (workdir / "web-env.yaml").write_text(text.rstrip("\n") + "\n" + source)
    run_cell("kubectl apply -f cfg.yaml\nkubectl apply -f web-env.yaml\n")
    check.k8s_env_from("web", "DB_URL", configmap="cfg", value="pg://db")
    with pytest.raises(CheckFailed, match="DB_URL has another value"):
        check.k8s_env_from("web", "DB_URL", configmap="cfg", value="pg://other")
    # a value written in env wins over envFrom, as in the kubelet: not read from the ConfigMap
    written = "        env:\n        - name: DB_URL\n          value: pg://db\n"
    (workdir / "web-env.yaml").write_text(text.rstrip("\n") + "\n" + written)
    run_cell("kubectl apply -f web-env.yaml\n")
    with pytest.raises(CheckFailed, match="writes DB_URL's value itself"):
        check.k8s_env_from("web", "DB_URL", configmap="cfg")


def test_manifest_problems_never_show_a_secret_value(workdir):
    (workdir / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pw: 12345678\n"
    )
    with pytest.raises(CheckFailed) as caught:
        check.k8s_manifest("secret.yaml")
    assert "12345678" not in str(caught.value)


def test_diagnosis_and_endpoints_are_graded_against_the_cluster(workdir):
    run_cell("kubectl create deployment shop --image=nginx:1.72\n")
    for answer in ("ImagePullBackOff", "errimagepull "):
        check.k8s_diagnosis("shop", answer)
    for wrong in ("CrashLoopBackOff", "ImagePull", 3):
        with pytest.raises(CheckFailed):
            check.k8s_diagnosis("shop", wrong)
    run_cell("kubectl create service clusterip front --tcp=80:80\n")
    check.k8s_endpoints("front", 0)
    with pytest.raises(CheckFailed, match="does not have 1 endpoint"):
        check.k8s_endpoints("front", 1)
    with pytest.raises(CheckFailed, match="whole number"):
        check.k8s_endpoints("front", "0")


def test_recall_is_exact_after_normalising(sandbox_dir):
    accepted = ["kube-scheduler", "scheduler"]
    for right in ("kube-scheduler", " Kube_Scheduler. ", "kube scheduler", "SCHEDULER"):
        check.recall(right, accepted, name="picks_node")
    for wrong in ("not the scheduler, it is etcd", "kube-scheduler etcd", "", None, True):
        with pytest.raises(CheckFailed) as caught:
            check.recall(wrong, accepted, name="picks_node")
        assert "kube-scheduler" not in str(caught.value).replace(repr(wrong), "")
    check.recall(3, [3], name="etcd_members")
    with pytest.raises(CheckFailed):
        check.recall(5, [3], name="etcd_members")
    check.recall("3", [3], name="etcd_members")


def test_a_visible_recall_judges_by_digest_without_showing_the_answer(sandbox_dir):
    from grader.checks.answers import digest

    digests = [digest("picks_node", "kube-scheduler")]
    check.recall(" Kube_Scheduler ", name="picks_node", digests=digests)
    for wrong in ("etcd", "not the kube-scheduler", 3):
        with pytest.raises(CheckFailed) as caught:
            check.recall(wrong, name="picks_node", digests=digests)
        assert "scheduler" not in str(caught.value).replace(repr(wrong), "")
    with pytest.raises(CheckFailed):  # a digest belongs to its question
        check.recall("kube-scheduler", name="etcd_members", digests=digests)
