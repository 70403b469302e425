// A Compose project's services in start order (left to right), arrows to what each depends on.
const WAITS = { service_started: "started", service_healthy: "healthy",
  service_completed_successfully: "exited 0" };

export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    bar.append(error);
    const picture = html("div");
    box.append(bar, picture, spoken);

    function lines(service) {
      const health = service.health ? ` (${service.health})` : "";
      return [
        [`${service.name}`, "cw-title"],
        [`${service.state}${health}`, `cw-state-${service.health || service.state}`],
        [`ports: ${service.ports.join(", ") || "none"}`, ""],
        [`volumes: ${service.volumes.join(", ") || "none"}`, ""],
        [`networks: ${service.networks.join(", ") || "none"}`, ""],
      ];
    }

    function draw() {
      const services = model.get("services");
      if (!services.length) {
        picture.replaceChildren(html("p", {}, `No containers of project ${model.get("project")}: ` +
          "run docker compose up -d."));
      } else {
        const levels = Math.max(...services.map((s) => s.level)) + 1;
        const boxW = 220, boxH = 84, gapX = 90, gapY = 16, margin = 10;
        const rows = [];
        const where = {};
        for (const service of services) {
          const row = (rows[service.level] = (rows[service.level] || 0) + 1) - 1;
          where[service.name] = { x: margin + service.level * (boxW + gapX),
            y: 24 + row * (boxH + gapY) };
        }
        const width = 2 * margin + levels * boxW + (levels - 1) * gapX;
        const height = 30 + Math.max(...rows.map((n) => n || 0)) * (boxH + gapY);
        const drawing = svg("svg", { width, height, "aria-hidden": "true" });
        drawing.append(arrowDefs());
        drawing.append(svg("text", { x: margin, y: 14, "font-weight": "bold" },
          "starts first →  then …"));
        for (const service of services) {
          const { x, y } = where[service.name];
          const group = svg("g", { class: "cw-service" });
          group.append(svg("rect", { x, y, width: boxW, height: boxH, rx: 5, class: "cw-node" }));
          lines(service).forEach(([text, kind], index) => {
            const shown = text.length > 34 ? text.slice(0, 33) + "…" : text;
            const line = svg("text", { x: x + 8, y: y + 16 + index * 16, class: kind }, shown);
            line.append(svg("title", {}, text));
            group.append(line);
          });
          drawing.append(group);
        }
        for (const service of services) {
          for (const dependency of service.depends_on) {
            const a = where[service.name], b = where[dependency.service];
            if (!a || !b) continue;
            const path = svg("path", { class: "cw-edge",
              d: `M${a.x},${a.y + boxH / 2} C${a.x - 40},${a.y + boxH / 2} ` +
                 `${b.x + boxW + 40},${b.y + boxH / 2} ${b.x + boxW},${b.y + boxH / 2}` });
            drawing.append(path);
            const label = svg("text", { class: "cw-label", "text-anchor": "middle",
              x: (a.x + b.x + boxW) / 2, y: (a.y + b.y + boxH) / 2 - 4 },
              `waits: ${WAITS[dependency.condition] || dependency.condition}`);
            drawing.append(label);
          }
        }
        picture.replaceChildren(drawing);
      }
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["services", "project", "description", "error"], draw);
  },
};
