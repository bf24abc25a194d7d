// A study participant's page: consent, then each assigned game in turn, then thanks.
// The participant code (their key) lives in the link after "#p=", so a reload or a later visit resumes.
import { api, el, fragment } from "./board.js";
import { loadControls, Player } from "./player.js";

const $ = (id) => document.getElementById(id);
const show = (id) => { for (const s of ["consent", "between"]) $(s).hidden = s !== id; };

function say(text) { $("message").textContent = text; $("message").hidden = !text; }

async function main() {
  const about = await api("/web/api/study");
  const controls = await loadControls();
  const stored = `arcgames-study-${about.name}`;
  let key = fragment().get("p") || localStorage.getItem(stored);
  say("");
  if (!key) {
    $("games").textContent = String(about.games);
    $("minutes").textContent = String(about.minutes);
    for (const [keys, meaning] of about.controls) $("consent-controls").append(el("dt", {}, keys), el("dd", {}, meaning));
    if (about.contact) { $("contact").textContent = about.contact; $("contact-line").hidden = false; }
    show("consent");
    await new Promise((resolve) => {
      $("agree").addEventListener("click", resolve);
      $("decline").addEventListener("click", () => { show(null); say("Thank you. Nothing was recorded."); });
    });
    key = (await api("/web/api/study/join", { body: {} })).key;
  }
  localStorage.setItem(stored, key);
  history.replaceState(null, "", `#p=${encodeURIComponent(key)}`);
  document.body.dataset.participant = key;
  await nextGame(key, controls);
}

async function nextGame(key, controls) {
  const me = await api("/web/api/study/me", { key });
  if (me.finished) { finished(); return; }
  if (!me.playing) {  // a pause between games, so a key held from the last game does not act in the next
    $("between-title").textContent = `Game ${me.done + 1} of ${me.games}`;
    $("between-text").textContent = me.done ? "Well done. The next game is new: find out what it wants."
      : "Find out what the game wants by trying things. Press Esc or the button under the game when you are done with it.";
    $("link").textContent = location.href;
    show("between");
    await new Promise((resolve) => $("start").addEventListener("click", resolve, { once: true }));
  }
  show(null);
  const reply = await api("/web/api/study/next", { body: {}, key });
  if (!reply.view) { finished(); return; }
  document.body.dataset.game = String(reply.done + 1);
  const ui = new Player($("play"), controls, {
    key,
    quitLabel: "done with this game",
    onQuit: async (last) => {
      await api("/web/api/study/finish", { body: { guid: last.guid }, key });
      $("play").replaceChildren();
      await nextGame(key, controls);
    },
  });
  ui.show(reply.view);
}

function finished() {
  show(null);
  $("play").replaceChildren();
  document.body.dataset.finished = "yes";
  say("That was the last game. Thank you for taking part! You can close this page.");
}

main().catch((err) => { say(`Sorry, something went wrong: ${err.message}`); document.body.dataset.error = err.message; });
