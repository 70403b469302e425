// One request: browser -> Ingress rule -> Service (ClusterIP) -> the pod that answered.
export default {
  render({ model, el: root }) {
    const { box, bar: form } = frame(model, root, { refresh: false });
    const host = document.createElement("input");
    host.setAttribute("aria-label", "host name");
    const path = document.createElement("input");
    path.setAttribute("aria-label", "path");
    const send = html("button", { type: "button" }, "Send");
    send.addEventListener("click", () => model.send({ type: "send", host: host.value, path: path.value }));
    form.append("http://", host, path, send);
    const flow = document.createElement("div");
    flow.className = "k8s-flow";
    flow.setAttribute("role", "img");
    const spoken = document.createElement("p");
    spoken.setAttribute("aria-live", "polite");
    spoken.className = "cw-caption";
    box.append(form, flow, spoken);

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
        flow.append(html("span", { class: "k8s-hop" }, text));
      });
      flow.setAttribute("aria-label", model.get("description"));
      spoken.textContent = model.get("description");
    }
    drawOn(model, ["hops", "host", "path", "description"], draw);
  },
};
