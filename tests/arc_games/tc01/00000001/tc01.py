"""A tiny official-format game for arcgames' tests: walk to the goal after clicking the switch open the gate.

Written against arcengine's API (ARCBaseGame, Level, Sprite, Camera) as the toolkit's
game files are. An 8x8 board drawn at 8x scale: the player (9) walks left/right
(ACTION3/ACTION4) along row 3, a gate (2) blocks the way until the switch (11) is
clicked (ACTION6), and reaching the goal (4) ends the level. Two levels.
"""

from arcengine import ARCBaseGame, BlockingMode, Camera, GameAction, Level, Sprite


def board(player: int, gate: int, goal: int, switch: tuple[int, int]) -> Level:
    return Level(
        sprites=[
            Sprite([[9]], name="player", x=player, y=3),
            Sprite([[2]], name="gate", x=gate, y=3),
            Sprite([[4]], name="goal", x=goal, y=3, collidable=False, blocking=BlockingMode.NOT_BLOCKED),
            Sprite([[11]], name="switch", x=switch[0], y=switch[1]),
        ]
    )


class Tc01(ARCBaseGame):
    def __init__(self, seed: int = 0) -> None:
        levels = [board(0, 3, 5, (1, 6)), board(7, 4, 1, (6, 0))]
        camera = Camera(0, 0, 8, 8, background=0, letter_box=0)
        super().__init__(game_id="tc01", levels=levels, camera=camera, available_actions=[3, 4, 6], seed=seed)

    def step(self) -> None:
        level = self.current_level
        if self.action.id == GameAction.ACTION6:
            cell = self.camera.display_to_grid(self.action.data["x"], self.action.data["y"])
            clicked = level.get_sprite_at(*cell) if cell else None
            if clicked is not None and clicked.name == "switch":
                for gate in level.get_sprites_by_name("gate"):
                    level.remove_sprite(gate)
        else:
            dx = {GameAction.ACTION3: -1, GameAction.ACTION4: 1}.get(self.action.id, 0)
            player = level.get_sprites_by_name("player")[0]
            if 0 <= player.x + dx < 8:
                self.try_move("player", dx, 0)  # the gate blocks; the goal does not
        player, goal = level.get_sprites_by_name("player")[0], level.get_sprites_by_name("goal")[0]
        if (player.x, player.y) == (goal.x, goal.y):
            self.next_level()
        self.complete_action()
