"""Kubernetes for the course: a cluster simulator, a kubectl for it, and manifest checks.

- :mod:`grader.k8s.cluster`: the simulated cluster (nodes, etcd quorum, API objects,
  faults, snapshots, request routing), state shared through ``<sandbox dir>/k8s/``;
- :mod:`grader.k8s.controllers`: the control loops (ReplicaSet, scheduler, kubelet,
  endpoints) the simulator plays after each change; :mod:`grader.k8s.deployments` the
  Deployment controller (revisions, rolling updates);
- :mod:`grader.k8s.grammar`, :mod:`grader.k8s.kubectl`: ``python -m grader kubectl ...``,
  kubectl 1.32's grammar and refusals, run on the simulator (:mod:`~grader.k8s.printers`,
  :mod:`~grader.k8s.describe`, :mod:`~grader.k8s.generators`, :mod:`~grader.k8s.execsim`
  produce its output; :mod:`~grader.k8s.rollout`, :mod:`~grader.k8s.setters`,
  :mod:`~grader.k8s.metadata`, :mod:`~grader.k8s.explain`, :mod:`~grader.k8s.discovery`,
  :mod:`~grader.k8s.metrics`, :mod:`~grader.k8s.edit`, :mod:`~grader.k8s.portforward` carry
  out the workload commands); what runs inside a pod's container runs in the Docker
  sandbox's shell (:mod:`~grader.k8s.execsim`, over :mod:`~grader.k8s.podimage`'s files and
  :mod:`~grader.k8s.podnet`'s network, answered by :mod:`~grader.k8s.podweb`);
- :mod:`grader.k8s.validate`: schema (kubernetes-validate, 1.32) and semantic checks;
- :mod:`grader.k8s.shim`: the terminal's ``kubectl`` shim (the ``%%kubectl`` cell magic is
  :mod:`grader.kubectl_magic`, in the notebook layer, next to :mod:`grader.magics`).

See docs/kubernetes.md.
"""
