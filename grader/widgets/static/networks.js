// Networks as boxes of containers (address, DNS names), the published ports, who reaches whom.
export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    bar.append(error);
    const boxes = html("div", { class: "cw-row", "aria-hidden": "true" });
    const ports = html("p", { class: "cw-caption", "aria-hidden": "true" });
    const reach = html("table", { "aria-hidden": "true" });
    box.append(bar, boxes, ports, reach, spoken);

    function member(item) {
      const chip = html("div", { class: `cw-chip${item.running ? "" : " cw-off"}` });
      chip.append(html("strong", {}, item.name));
      chip.append(html("small", {}, ` ${item.ip || "no address"}${item.running ? "" : " (stopped)"}`));
      const names = item.dns.length ? `DNS: ${item.dns.join(", ")}` : "no DNS name";
      chip.append(html("div", { class: "cw-dns" }, names));
      return chip;
    }

    function draw() {
      const picture = model.get("picture");
      boxes.replaceChildren();
      for (const network of picture.networks) {
        const group = html("section", { class: `cw-group${network.dns ? " cw-dns-on" : ""}` });
        group.append(html("h4", {}, network.name));
        group.append(html("small", {},
          `${network.kind}: ${network.dns ? "names resolve" : "no name resolution"}`));
        for (const item of network.containers) group.append(member(item));
        if (!network.containers.length) group.append(html("small", {}, " (no containers)"));
        boxes.append(group);
      }
      if (!picture.networks.length) boxes.append(html("p", {}, "No networks with containers yet."));
      const published = picture.containers.filter((c) => c.ports.length)
        .map((c) => `${c.name} ${c.ports.join(", ")}`);
      ports.textContent = published.length
        ? `Published ports (host->container): ${published.join("; ")}`
        : "No published ports: the host reaches no container.";
      reach.replaceChildren();
      if (picture.reach.length) {
        const head = html("tr");
        for (const title of ["From", "To", "Reaches?", "Shared networks"]) head.append(html("th", {}, title));
        reach.append(head);
      }
      for (const pair of picture.reach) {
        const row = html("tr", { class: `cw-reach-${pair.how.replaceAll(" ", "-")}` });
        for (const text of [pair.a, pair.b, pair.how, pair.via.join(", ") || "none"]) {
          row.append(html("td", {}, text));
        }
        reach.append(row);
      }
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["picture", "description", "error"], draw);
  },
};
