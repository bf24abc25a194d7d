// The play page: /play?game=ID[&player=NAME][#key=KEY]. Without a game it lists the host's games.
import { api, el, fragment, query } from "./board.js";
import { loadControls, Player } from "./player.js";

const app = document.getElementById("app");

function message(...lines) {
  app.replaceChildren(...lines.map((line) => el("p", {}, line)));
}

async function pageKey() {
  const given = fragment().get("key");
  if (given) return given;
  try {
    return (await api("/api/games/anonkey")).api_key;  // a keyless host hands out keys
  } catch (err) {
    throw new Error(`${err.message}. Open the link you were given, which ends in #key=…`);
  }
}

async function main() {
  const [controls, key] = await Promise.all([loadControls(), pageKey()]);
  const game = query().get("game");
  if (!game) {
    const games = await api("/api/games", { key });
    const links = games.map((g) => {
      const url = new URL(location.href);
      url.searchParams.set("game", g.game_id);
      return el("a", { href: url.pathname + url.search + url.hash }, g.game_id);
    });
    app.replaceChildren(el("h1", {}, "Choose a game"), el("div", { class: "choice" }, ...links));
    return;
  }
  const player = query().get("player");
  const tags = ["human", ...(player ? [player.slice(0, 100)] : [])];
  const card = (await api("/api/scorecard/open", { body: { tags }, key })).card_id;
  const view = await api("/web/api/start", { body: { card_id: card, game_id: game }, key });
  const ui = new Player(app, controls, {
    key,
    onQuit: async (last) => {
      await api("/api/scorecard/close", { body: { card_id: card }, key });
      document.body.dataset.closed = "yes";
      message(`Your play is saved: ${last.levels_completed} of ${last.num_levels} levels, ${last.actions} actions.`,
        "You can close this tab.");
    },
  });
  ui.show(view);
}

main().catch((err) => { message(`Cannot play: ${err.message}`); document.body.dataset.error = err.message; });
