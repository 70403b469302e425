// The simulated Kubernetes cluster: control plane, workers, pods, Services, fault buttons.
export default {
  render({ model, el: root }) {
    const { box, bar, spoken } = frame(model, root);
    const body = document.createElement("div");
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    box.append(bar, body, status, spoken);

    function el(tag, text, cls) {
      const node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      if (cls) node.className = cls;
      return node;
    }
    bar.append(
      sender(model, "etcd snapshot", { type: "snapshot" }, "save an etcd snapshot"),
      sender(model, "restore snapshot", { type: "restore" }, "restore the last etcd snapshot"),
      sender(model, "wait 1 min", { type: "wait", seconds: 60 }, "let one simulated minute pass"),
      sender(model, "wait 5 min", { type: "wait", seconds: 300 }, "let five simulated minutes pass"),
      sender(model, "1 control plane", { type: "rebuild", control_planes: 1 }, "new cluster with one control-plane node"),
      sender(model, "3 control planes", { type: "rebuild", control_planes: 3 }, "new cluster with three control-plane nodes"),
    );

    function draw() {
      body.replaceChildren();
      const etcd = model.get("etcd");
      const row = el("div", undefined, "k8s-row");
      for (const node of model.get("nodes")) {
        const card = el("section", undefined, "k8s-node" + (node.role === "control-plane" ? " k8s-control" : "") + (node.up ? "" : " k8s-down"));
        card.setAttribute("aria-label", `${node.role} node ${node.name}, ${node.up ? "up" : "down"}`);
        card.append(el("h4", `${node.name} ${node.up ? "" : node.ready ? "(down)" : "(down, NotReady)"}${node.schedulable || node.role !== "worker" ? "" : " (cordoned)"}`));
        card.append(el("small", `${node.ip} · pods ${node.pod_cidr}`));
        const comps = el("div");
        for (const c of node.components) comps.append(el("span", c, "k8s-comp"));
        card.append(comps);
        for (const pod of node.pods) {
          const line = el("div", undefined, "k8s-pod" + (pod.owned ? "" : " k8s-bare") + (pod.status === "Running" ? "" : " k8s-bad"));
          line.append(el("span", `${pod.name} ${pod.ip} ${pod.status === "Running" ? "" : pod.status} ${pod.restarts ? `↻${pod.restarts}` : ""}`));
          line.append(sender(model, "crash", { type: "crash_pod", name: pod.name, namespace: pod.namespace }, `crash the container of pod ${pod.name}`));
          line.append(sender(model, "delete", { type: "delete_pod", name: pod.name, namespace: pod.namespace }, `delete pod ${pod.name}`));
          card.append(line);
        }
        const actions = el("div", undefined, "cw-bar");
        actions.append(sender(model, node.up ? "stop" : "start", { type: node.up ? "stop_node" : "start_node", name: node.name }, `${node.up ? "stop" : "start"} node ${node.name}`));
        if (node.role === "worker") {
          actions.append(node.schedulable
            ? sender(model, "drain", { type: "drain", name: node.name }, `drain node ${node.name}`)
            : sender(model, "uncordon", { type: "uncordon", name: node.name }, `uncordon node ${node.name}`));
        }
        card.append(actions);
        row.append(card);
      }
      body.append(row);
      const net = el("div", undefined, "k8s-net");
      net.append(el("strong", "Virtual network · "));
      net.append(el("span", `etcd ${etcd.alive}/${etcd.members} members up (quorum ${etcd.quorum}): `));
      net.append(el("span", etcd.has_quorum ? "cluster can change" : "quorum lost: read-only", etcd.has_quorum ? "k8s-quorum-ok" : "k8s-quorum-lost"));
      for (const svc of model.get("services")) {
        net.append(el("div", `Service ${svc.name} (${svc.type}) ${svc.cluster_ip} → ${svc.endpoints.join(", ") || "no endpoints"}`));
      }
      body.append(net);
      const log = el("ul");
      for (const event of model.get("events")) log.append(el("li", event));
      body.append(log);
      status.textContent = model.get("message");
      spoken.textContent = model.get("description");
    }
    drawOn(model, ["nodes", "services", "etcd", "events", "message", "description"], draw);
  },
};
