// One request: browser -> Ingress rule -> Service (ClusterIP) -> the pod that answered.
export default {
  render({ model, el: root }) {
    const box = document.createElement("div");
    box.className = "course-widget";
    const form = document.createElement("div");
    form.className = "cw-bar";
    const host = document.createElement("input");
    host.setAttribute("aria-label", "host name");
    const path = document.createElement("input");
    path.setAttribute("aria-label", "path");
    const send = document.createElement("button");
    send.type = "button";
    send.textContent = "Send";
    send.addEventListener("click", () => model.send({ type: "send", host: host.value, path: path.value }));
    form.append("http://", host, path, send);
    const flow = document.createElement("div");
    flow.className = "k8s-flow";
    flow.setAttribute("role", "img");
    const spoken = document.createElement("p");
    spoken.setAttribute("aria-live", "polite");
    spoken.className = "cw-caption";
    box.append(form, flow, spoken);
    root.append(box);

    function hop(text) {
      const node = document.createElement("span");
      node.className = "k8s-hop";
      node.textContent = text;
      return node;
    }
    function draw() {
      host.value = model.get("host");
      path.value = model.get("path");
      const h = model.get("hops");
      const parts = ["browser"];
      if (h.ingress) parts.push(`Ingress ${h.ingress}`);
      if (h.service) parts.push(`Service ${h.service} ${h.cluster_ip || ""}:${h.port || ""}`);
      if (h.pod) parts.push(`pod ${h.pod} ${h.pod_ip} on ${h.node}`);
      if (h.error) parts.push(`✗ ${h.error}`);
      flow.replaceChildren();
      parts.forEach((text, i) => {
        if (i) flow.append("→");
        flow.append(hop(text));
      });
      flow.setAttribute("aria-label", model.get("description"));
      spoken.textContent = model.get("description");
    }
    for (const name of ["hops", "host", "path", "description"]) model.on(`change:${name}`, draw);
    draw();
  },
};
