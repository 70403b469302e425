// Shared by every course widget: grader/widgets/base.py puts it before each widget's module.
const NS = "http://www.w3.org/2000/svg";

// An SVG element with its attributes and text.
function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// An HTML element with its attributes and text.
function html(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// A button sending `message` to the Python side; `label` names it for screen readers.
function sender(model, text, message, label = "") {
  const node = html("button", { type: "button" }, text);
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("click", () => model.send(message));
  return node;
}

// The arrowhead (id cw-arrow) the diagrams' edges (class cw-edge) end with.
function arrowDefs() {
  const defs = svg("defs");
  const marker = svg("marker", { id: "cw-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
    markerWidth: "6", markerHeight: "6", orient: "auto" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#889" }));
  defs.append(marker);
  return defs;
}

// The frame every widget draws in, already in `root`: the box, its bar (with a Refresh
// button unless `refresh` is false), an error span for the bar and the spoken text (the
// text alternative) the widget appends last.
function frame(model, root, { refresh = true } = {}) {
  const box = html("div", { class: "course-widget" });
  const bar = html("div", { class: "cw-bar" });
  if (refresh) bar.append(sender(model, "Refresh", { type: "refresh" }));
  const error = html("span", { class: "cw-error", role: "alert" });
  const spoken = html("p", { class: "cw-sr", "aria-live": "polite" });
  root.append(box);
  return { box, bar, error, spoken };
}

// Draw now and again whenever one of the traits `names` changes.
function drawOn(model, names, draw) {
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
}

