// The container lifecycle: states as circles, commands as arrows, the current state lit.
const NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}
const PLACES = {
  removed: [70, 130], created: [230, 50], running: [420, 130], paused: [620, 50], exited: [620, 210],
};

export default {
  render({ model, el: root }) {
    const box = document.createElement("div");
    box.className = "course-widget";
    const bar = document.createElement("div");
    bar.className = "cw-bar";
    const refresh = document.createElement("button");
    refresh.type = "button";
    refresh.textContent = "Refresh";
    refresh.addEventListener("click", () => model.send({ type: "refresh" }));
    const status = document.createElement("span");
    bar.append(refresh, status);
    const picture = document.createElement("div");
    const spoken = document.createElement("p");
    spoken.className = "cw-sr";
    spoken.setAttribute("aria-live", "polite");
    box.append(bar, picture, spoken);
    root.append(box);

    function draw() {
      const current = model.get("state");
      const drawing = svg("svg", { width: 720, height: 260, role: "img",
        "aria-label": model.get("description") });
      const defs = svg("defs");
      const marker = svg("marker", { id: "cw-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
        markerWidth: "6", markerHeight: "6", orient: "auto" });
      marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#889" }));
      defs.append(marker);
      drawing.append(defs);
      const seen = {};
      for (const edge of model.get("transitions")) {
        const [x1, y1] = PLACES[edge.from], [x2, y2] = PLACES[edge.to];
        const pair = [edge.from, edge.to].sort().join("-");
        const bend = (seen[pair] = (seen[pair] || 0) + 1) === 1 ? 25 : -25;
        const mx = (x1 + x2) / 2 - ((y2 - y1) / 200) * bend, my = (y1 + y2) / 2 + ((x2 - x1) / 200) * bend;
        const dx = x2 - mx, dy = y2 - my, length = Math.hypot(dx, dy) || 1;
        const ex = x2 - (dx / length) * 42, ey = y2 - (dy / length) * 24;
        const path = svg("path", { class: "cw-edge", d: `M${x1},${y1} Q${mx},${my} ${ex},${ey}` });
        path.append(svg("title", {}, edge.command));
        drawing.append(path);
        const label = edge.command.length > 22 ? edge.command.slice(0, 21) + "…" : edge.command;
        drawing.append(svg("text", { x: mx - 30, y: my, "font-size": "10" }, label));
      }
      for (const state of model.get("states")) {
        const [x, y] = PLACES[state];
        const lit = state === current;
        drawing.append(svg("ellipse", { cx: x, cy: y, rx: 50, ry: 22,
          class: lit ? "cw-node cw-current" : "cw-node" }));
        drawing.append(svg("text", { x, y: y + 4, "text-anchor": "middle" }, state));
      }
      picture.replaceChildren(drawing);
      status.textContent = `${model.get("container")}: ${current}`;
      spoken.textContent = model.get("description");
    }
    for (const name of ["state", "description", "container"]) model.on(`change:${name}`, draw);
    draw();
  },
};
