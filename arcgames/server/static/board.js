// Shared by the pages: talking to the host, drawing frames, the status bar. No framework, no build step.
export const SIZE = 64;

export async function api(path, { body, key, admin } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["X-API-Key"] = key;
  if (admin) headers["X-Admin-Key"] = admin;
  const reply = await fetch(path, { method: body === undefined ? "GET" : "POST", headers,
    body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await reply.json(); } catch { data = null; }
  if (!reply.ok) {
    const message = data && data.message ? data.message : `${reply.status} ${reply.statusText}`;
    throw new Error(message);
  }
  return data;
}

// Parameters after "#" never reach the server's logs or other sites (the pages send no referrer either).
export function fragment() { return new URLSearchParams(location.hash.slice(1)); }
export function query() { return new URLSearchParams(location.search); }

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// A frame arrives as 4096 hex digits (row by row, one per pixel); the canvas holds 64x64 pixels
// and CSS scales it by a whole number with image-rendering: pixelated, so every game pixel is crisp.
export class Board {
  constructor(canvas, palette) {
    this.canvas = canvas;
    canvas.width = SIZE; canvas.height = SIZE;
    this.ctx = canvas.getContext("2d");
    this.image = this.ctx.createImageData(SIZE, SIZE);
    this.rgb = palette.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  }
  draw(hex) {
    const data = this.image.data;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const [r, g, b] = this.rgb[parseInt(hex[i], 16)] || [0, 0, 0];
      data[4 * i] = r; data[4 * i + 1] = g; data[4 * i + 2] = b; data[4 * i + 3] = 255;
    }
    this.ctx.putImageData(this.image, 0, 0);
    this.canvas.dataset.frame = hex;
  }
  fit(room) {
    const scale = Math.max(1, Math.floor(room / SIZE));
    this.canvas.style.width = this.canvas.style.height = `${scale * SIZE}px`;
    this.canvas.dataset.scale = String(scale);
  }
  // The frame pixel under a pointer event, with the same geometry the canvas is drawn with.
  pixelAt(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.floor((event.clientX - rect.left) * SIZE / rect.width);
    const y = Math.floor((event.clientY - rect.top) * SIZE / rect.height);
    return x >= 0 && y >= 0 && x < SIZE && y < SIZE ? [x, y] : null;
  }
}

export function fitToWindow(board, reserved) {
  const resize = () => board.fit(Math.min(window.innerWidth - 16, window.innerHeight - reserved()));
  window.addEventListener("resize", resize);
  resize();
}

export function showLines(overlay, lines) {
  overlay.replaceChildren();
  overlay.hidden = !lines;
  if (!lines) return;
  overlay.append(el("div", { class: "heading" }, lines[0]));
  let table = null;
  for (const line of lines.slice(1)) {
    if (!line.includes("\t")) {  // a plain line ends the table above it
      table = null;
      if (line) overlay.append(el("div", {}, line));
      continue;
    }
    if (!table) overlay.append(table = el("table"));
    const [keys, meaning] = line.split("\t");
    table.append(el("tr", {}, el("td", {}, keys), el("td", {}, meaning)));
  }
}
