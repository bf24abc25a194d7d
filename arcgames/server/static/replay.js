// The replay page: /replay (upload a file), /replay?file=NAME[&card=ID] (one of the host's recordings).
// The host re-runs the recording's actions on its own engine; the frames shown are the engine's.
import { api, Board, el, fitToWindow, fragment, query } from "./board.js";

const $ = (id) => document.getElementById(id);
const admin = fragment().get("admin") || undefined;
let replay = null, index = 0, timer = null, board = null;
// The file input works from the first moment: a file picked before the palette arrives waits for it.
const ready = api("/web/api/controls").then((controls) => {
  board = new Board($("board"), controls.palette);
  fitToWindow(board, () => 260);
});
ready.catch((err) => say(`Cannot start: ${err.message}`, true));

function say(text, isError = false) { $("message").textContent = text; $("message").classList.toggle("error", isError); }

function show(i) {
  index = Math.max(0, Math.min(replay.frames.length - 1, i));
  board.draw(replay.frames[index]);
  const step = replay.steps[index];
  $("status-line").textContent = step.status;
  $("step-line").textContent = index === 0 ? `start of the play (${replay.frames.length - 1} actions)`
    : `action ${index} of ${replay.frames.length - 1}: ${step.action}`;
  $("scrub").value = String(index);
  document.body.dataset.step = String(index);
}

function stop() { clearInterval(timer); timer = null; $("play").textContent = "play"; }

function toggle() {
  if (timer) { stop(); return; }
  if (index >= replay.frames.length - 1) show(0);
  $("play").textContent = "pause";
  timer = setInterval(() => { if (index >= replay.frames.length - 1) stop(); else show(index + 1); }, 125);
}

function load(data) {
  stop();
  replay = data;
  $("viewer").hidden = false;
  $("scrub").max = String(data.frames.length - 1);
  const who = `${data.player} (${data.player_kind}${data.first_play ? ", first play" : ""})`;
  $("about").textContent = `game ${data.game_id}, played by ${who}; ` + (data.verified
    ? "every frame re-computed by this host's engine" : `diverges: ${data.problem} (shown up to there)`);
  document.body.dataset.frames = String(data.frames.length);
  document.body.dataset.verified = String(data.verified);
  show(0);
}

async function upload(file) {
  say(`replaying ${file.name}…`);
  try {
    await ready;
    load(await api("/web/api/replay", { body: { text: await file.text() }, admin }));
    say("");
  } catch (err) { say(`Cannot replay ${file.name}: ${err.message}`, true); }
}

async function hostList() {
  let items;
  try { items = await api("/web/api/recordings", { admin }); } catch { return; }  // private host: uploads only
  if (!items.length) return;
  const links = items.slice(0, 100).map((item) => {
    const params = new URLSearchParams({ card: item.card, file: item.file });
    return el("li", {}, el("a", { href: `/replay?${params}${location.hash}` }, `${item.card.slice(0, 8)}/${item.file}`));
  });
  $("host-list").replaceChildren(el("h2", {}, "This host's recordings"), el("ul", {}, ...links));
}

async function main() {
  $("file").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); });
  $("first").addEventListener("click", () => { stop(); show(0); });
  $("prev").addEventListener("click", () => { stop(); show(index - 1); });
  $("next").addEventListener("click", () => { stop(); show(index + 1); });
  $("last").addEventListener("click", () => { stop(); show(replay.frames.length - 1); });
  $("play").addEventListener("click", toggle);
  $("scrub").addEventListener("input", (e) => { stop(); show(Number(e.target.value)); });
  window.addEventListener("keydown", (e) => {
    if (!replay || e.target instanceof HTMLInputElement && e.target.type !== "range") return;
    const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
    if (e.key in moves) { e.preventDefault(); stop(); show(index + moves[e.key]); }
    if (e.key === " ") { e.preventDefault(); toggle(); }
  });
  const card = query().get("card"), file = query().get("file");
  if (file) {
    say(`replaying ${file}…`);
    const route = card ? `/web/api/recordings/${encodeURIComponent(card)}/${encodeURIComponent(file)}`
      : `/web/api/recording?${new URLSearchParams({ file })}`;
    try { await ready; load(await api(route, { admin })); say(""); }
    catch (err) { say(`Cannot replay ${file}: ${err.message}`, true); }
  } else {
    hostList();
  }
}

main().catch((err) => say(`Cannot start: ${err.message}`, true));
