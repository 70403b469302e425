// The container lifecycle: states as circles, commands as arrows, the current state lit.
const PLACES = {
  removed: [80, 170], created: [260, 50], running: [460, 170], paused: [700, 50], exited: [700, 290],
};

export default {
  render({ model, el: root }) {
    const { box, bar, spoken } = frame(model, root);
    const status = document.createElement("span");
    bar.append(status);
    const picture = document.createElement("div");
    box.append(bar, picture, spoken);

    function draw() {
      const current = model.get("state");
      const drawing = svg("svg", { width: 900, height: 340, role: "img",
        "aria-label": model.get("description") });
      drawing.append(arrowDefs());
      // Attached first, so labels can be measured and moved apart as they are placed.
      picture.replaceChildren(drawing);
      const placed = [];
      const clash = (a, b) =>
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      for (const edge of model.get("transitions")) {
        const [x1, y1] = PLACES[edge.from], [x2, y2] = PLACES[edge.to];
        // Every arrow bends to its left, so the two arrows between two states never overlap.
        const dx = x2 - x1, dy = y2 - y1, length = Math.hypot(dx, dy) || 1;
        const nx = (dy / length) * 38, ny = (-dx / length) * 38;
        const mx = (x1 + x2) / 2 + nx, my = (y1 + y2) / 2 + ny;
        const ex = x2 - (dx / length) * 52, ey = y2 - (dy / length) * 22;
        const sx = x1 + (dx / length) * 52, sy = y1 + (dy / length) * 22;
        const path = svg("path", { class: "cw-edge", d: `M${sx},${sy} Q${mx},${my} ${ex},${ey}` });
        path.append(svg("title", {}, edge.command));
        drawing.append(path);
        // The label sits beside its arrow, on the outer side of the bend, clear of the line.
        const lx = (sx + 2 * mx + ex) / 4 + (nx / 38) * 12;
        const ly = (sy + 2 * my + ey) / 4 + (ny / 38) * 12;
        const anchor = Math.abs(nx) < 8 ? "middle" : nx > 0 ? "start" : "end";
        const label = svg("text", { x: lx, y: ly + 4, "text-anchor": anchor, "font-size": "10",
          class: "cw-label" }, edge.command);
        drawing.append(label);
        // Another label in the way: slide this one along its arrow, away from the bend's middle.
        for (let step = 1; step <= 6 && placed.some((box) => clash(box, label.getBBox())); step++) {
          const along = (step % 2 ? 1 : -1) * Math.ceil(step / 2) * 0.12;
          label.setAttribute("x", lx + dx * along);
          label.setAttribute("y", ly + 4 + dy * along);
        }
        placed.push(label.getBBox());
      }
      for (const state of model.get("states")) {
        const [x, y] = PLACES[state];
        const lit = state === current;
        drawing.append(svg("ellipse", { cx: x, cy: y, rx: 50, ry: 22,
          class: lit ? "cw-node cw-current" : "cw-node" }));
        drawing.append(svg("text", { x, y: y + 4, "text-anchor": "middle" }, state));
      }
      status.textContent = `${model.get("container")}: ${current}`;
      spoken.textContent = model.get("description");
    }
    drawOn(model, ["state", "description", "container"], draw);
  },
};
