"""Kubernetes for the course: a cluster simulator, a kubectl for it, and manifest checks.

- :mod:`grader.k8s.cluster`: the simulated cluster (nodes, etcd quorum, API objects),
  state shared through ``<sandbox dir>/k8s/cluster.json``;
- :mod:`grader.k8s.controllers`: the control loops (Deployment, ReplicaSet, scheduler,
  kubelet, endpoints) the simulator plays after each change;
- :mod:`grader.k8s.kubectl`: ``python -m grader kubectl ...`` on the simulator;
- :mod:`grader.k8s.validate`: schema (kubernetes-validate, 1.32) and semantic checks.
"""
