// Images -> containers -> mounts, as three columns of boxes linked by arrows.
export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    bar.append(error);
    const picture = document.createElement("div");
    box.append(bar, picture, spoken);

    function draw() {
      const graph = model.get("graph");
      const columns = [
        ["Images", graph.images.map((i) => ({ key: i.id, text: i.tags.join(", ") }))],
        ["Containers", graph.containers.map((c) => ({ key: c.id, text: `${c.name} (${c.state})` }))],
        ["Mounts", graph.mounts.map((m) => ({ key: m.key, text: m.label }))],
      ];
      const rows = Math.max(1, ...columns.map(([, items]) => items.length));
      const boxW = 220, boxH = 30, gap = 70, margin = 10;
      const width = 2 * margin + columns.length * boxW + (columns.length - 1) * gap;
      const height = 40 + rows * (boxH + 12);
      const drawing = svg("svg", { width, height, role: "img",
        "aria-label": model.get("description") });
      drawing.append(arrowDefs());
      const where = {};
      columns.forEach(([title, items], column) => {
        const x = margin + column * (boxW + gap);
        drawing.append(svg("text", { x, y: 16, "font-weight": "bold" }, title));
        items.forEach((item, row) => {
          const y = 28 + row * (boxH + 12);
          where[item.key] = { x, y };
          drawing.append(svg("rect", { x, y, width: boxW, height: boxH, rx: 5, class: "cw-node" }));
          const label = item.text.length > 32 ? item.text.slice(0, 31) + "…" : item.text;
          const text = svg("text", { x: x + 8, y: y + 19 }, label);
          text.append(svg("title", {}, item.text));
          drawing.append(text);
        });
      });
      for (const edge of graph.edges) {
        const a = where[edge.from], b = where[edge.to];
        if (!a || !b) continue;
        const line = svg("path", { class: "cw-edge",
          d: `M${a.x + boxW},${a.y + boxH / 2} C${a.x + boxW + 35},${a.y + boxH / 2} ` +
             `${b.x - 35},${b.y + boxH / 2} ${b.x},${b.y + boxH / 2}` });
        line.append(svg("title", {}, edge.label));
        drawing.append(line);
      }
      picture.replaceChildren(drawing);
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["graph", "description", "error"], draw);
  },
};
