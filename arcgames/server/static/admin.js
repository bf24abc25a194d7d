// The study's admin page: /study/admin#admin=KEY (the key never leaves this page but to this host).
import { api, el, fragment } from "./board.js";

const admin = fragment().get("admin");
const $ = (id) => document.getElementById(id);

async function refresh() {
  try {
    const p = await api("/web/api/study/progress", { admin });
    $("title").textContent = `Study ${p.study}: ${p.participants} participants, ${p.finished_participants} finished`;
    const rows = p.games.map((g) => el("tr", {}, ...[g.game, g.players, g.target, g.started, g.finished, g.solved]
      .map((v) => el("td", {}, String(v)))));
    $("progress").tBodies[0].replaceChildren(...rows);
    $("progress").hidden = false;
    $("message").textContent = p.complete ? "Every game has its target number of finished first plays."
      : `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.participants = String(p.participants);
  } catch (err) {
    $("message").textContent = `Cannot show the progress: ${err.message}`;
  }
}

if (!admin) $("message").textContent = "Open this page with the admin link the host printed (…/study/admin#admin=KEY).";
else { refresh(); setInterval(refresh, 5000); }
