"""Recordings: written by RecordTrajectory, read back, verified by replay, tampering caught."""

import errno
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import forge

import arcgames
from arcgames.actions import Action
from arcgames.recording import SCHEMA_VERSION, End, Header, LevelDone, Recorder, RecordingError, Step, read_recording
from arcgames.replay import replay_frames, verify
from arcgames.solver import solve
from arcgames.wrappers import RecordTrajectory

GAME = "ujzd"


def record_solution(out: Path, levels: int = 2, extra_actions: tuple[Action, ...] = ()) -> Path:
    """Record the solver's winning line for the first ``levels`` levels of GAME."""
    game = arcgames.get_game(GAME)
    env = RecordTrajectory(arcgames.make(GAME), out, player="tester", config={"depth": 1})
    env.reset(seed=3)
    for action in extra_actions:
        env.step(action)
    for level in range(levels):
        for action in solve(game, level).actions:
            env.step(action)
    env.close()
    return env.recordings[0]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return record_solution(tmp_path, extra_actions=(Action.ACTION1, Action.UNDO, Action.RESET))


def lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def test_recording_holds_header_steps_levels_and_end(recording: Path) -> None:
    rec = read_recording(recording)
    game = arcgames.get_game(GAME)
    assert rec.header.game_id == GAME and rec.header.game_version == game.version
    assert rec.header.seed == 3 and rec.header.player == "tester" and rec.header.player_kind == "agent"
    assert rec.header.config_hash is not None
    solution_lengths = [solve(game, level).length for level in range(2)]
    assert len(rec.steps) == 3 + sum(solution_lengths)
    assert [s.action for s in rec.steps[:3]] == ["ACTION1", "ACTION7", "RESET"]
    # Actions on level 1 include the three warm-up actions: RESET and undo count.
    assert [lv.actions for lv in rec.levels] == [3 + solution_lengths[0], solution_lengths[1]]
    assert rec.end is not None and rec.end.reason == "quit" and rec.end.levels_completed == 2
    assert not rec.torn_tail


def test_lines_are_small(recording: Path) -> None:
    steps = [line for line in lines_of(recording) if '"type":"step"' in line]
    assert max(len(line) for line in steps) <= 200


def test_every_line_validates_against_the_schema(recording: Path) -> None:
    models = {"step": Step, "level": LevelDone, "end": End}
    for line in lines_of(recording)[1:]:
        data = json.loads(line)
        models[data["type"]].model_validate(data)


def test_verify_accepts_an_untouched_recording(recording: Path) -> None:
    result = verify(recording)
    assert result.ok, result.reason
    assert result.levels_completed == 2 and result.complete
    assert result.actions == len(read_recording(recording).steps)


def test_win_is_recorded_as_the_end_reason(tmp_path: Path) -> None:
    path = record_solution(tmp_path, levels=arcgames.get_game(GAME).num_levels)
    rec = read_recording(path)
    assert rec.end.reason == "win" and rec.end.state == "WIN"
    assert verify(path).ok


def test_replay_frames_match_a_live_run(recording: Path) -> None:
    rec = read_recording(recording)
    env = arcgames.make(GAME)
    frames = [env.reset()[0]]
    frames += [env.step(Action.parse(step.action))[0] for step in rec.steps]
    replayed = list(replay_frames(rec))
    assert len(replayed) == len(frames)
    assert all((a == b).all() for a, b in zip(replayed, frames, strict=True))


def rewrite(path: Path, lines: list[str]) -> Path:
    out = path.with_name("tampered.jsonl")
    out.write_text("".join(lines))
    return out


def test_changed_action_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    index = next(i for i, line in enumerate(lines) if '"action":"ACTION1"' in line)
    lines[index] = lines[index].replace('"action":"ACTION1"', '"action":"ACTION2"')
    result = verify(rewrite(recording, lines))
    assert not result.ok and f"line {index + 2}" in result.reason and "hash chain" in result.reason


def test_removed_line_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    del lines[4]
    result = verify(rewrite(recording, lines))
    assert not result.ok and "line 5" in result.reason and "hash chain" in result.reason


def test_reordered_lines_are_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    lines[3], lines[4] = lines[4], lines[3]
    assert "hash chain" in verify(rewrite(recording, lines)).reason


def test_edited_header_seed_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    lines[0] = lines[0].replace('"seed":3', '"seed":4')
    result = verify(rewrite(recording, lines))
    assert not result.ok and "line 2" in result.reason


def test_forged_end_line_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    lines[-1] = lines[-1].replace('"levels_completed":2', '"levels_completed":5')
    result = verify(rewrite(recording, lines))
    assert not result.ok and "end line claims" in result.reason


def test_recorded_frame_that_differs_from_replay_names_the_step(tmp_path: Path, recording: Path) -> None:
    """A consistent chain with a wrong frame (e.g. a different engine wrote it) diverges at that step."""
    rec = read_recording(recording)
    lines = lines_of(recording)
    bad = json.loads(lines[1])
    bad["frame"] = "00000000"
    header = json.loads(lines[0])
    # Re-chain by writing through a Recorder, as a buggy engine would.
    path = tmp_path / "diverged.jsonl"
    writer = Recorder(path, Header.model_validate(header))
    writer._write(json.dumps({k: v for k, v in bad.items() if k != "prev"})[:-1] + f',"prev":"{writer._chain:08x}"}}')
    writer.close()
    result = verify(path)
    assert not result.ok and result.step == 1 and "frame" in result.reason
    assert rec.steps[0].frame != "00000000"


def test_wrong_game_version_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    header = json.loads(lines[0])
    header["game_version"] = "0" * 16
    lines[0] = json.dumps(header, separators=(",", ":")) + "\n"
    result = verify(rewrite(recording, lines))
    assert not result.ok  # the chain breaks first; the version check is tested below without the chain


def test_game_version_mismatch_message(tmp_path: Path) -> None:
    header = Header(
        schema_version=SCHEMA_VERSION, game_id=GAME, game_version="0" * 16, engine_version="0.0.1", seed=0,
        player_kind="agent", player="old", started_at=datetime.now(UTC),
    )  # fmt: skip
    Recorder(tmp_path / "old.jsonl", header).close()
    result = verify(tmp_path / "old.jsonl")
    assert not result.ok and "version" in result.reason and "installed" in result.reason


def test_truncated_file_is_tolerated_and_reported(recording: Path) -> None:
    text = recording.read_text()
    cut = rewrite(recording, [text[: len(text) - 25]])
    result = verify(cut)
    assert result.ok and result.torn_tail and not result.complete


def test_non_json_line_in_the_middle_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    lines.insert(3, "this is not json\n")
    result = verify(rewrite(recording, lines))
    assert not result.ok and "line 4: not valid JSON" in result.reason


def test_unknown_schema_version_is_rejected(recording: Path) -> None:
    lines = lines_of(recording)
    lines[0] = lines[0].replace(f'"schema_version":{SCHEMA_VERSION}', '"schema_version":99')
    result = verify(rewrite(recording, lines))
    assert not result.ok and "schema version 99 is not supported" in result.reason


def test_unknown_game_is_rejected(recording: Path, tmp_path: Path) -> None:
    header = read_recording(recording).header.model_copy(update={"game_id": "zzzz"})
    Recorder(tmp_path / "unknown.jsonl", header).close()
    result = verify(tmp_path / "unknown.jsonl")
    assert not result.ok and "unknown game id 'zzzz'" in result.reason


def test_empty_and_missing_files_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    assert "empty file" in verify(tmp_path / "empty.jsonl").reason
    assert "cannot read" in verify(tmp_path / "missing.jsonl").reason


def test_existing_recording_is_never_overwritten(recording: Path) -> None:
    before = recording.read_bytes()
    env = RecordTrajectory(arcgames.make(GAME), path=recording, player="again")
    with pytest.raises(RecordingError, match="never overwritten"):
        env.reset()
    assert recording.read_bytes() == before


def test_unwritable_output_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = RecordTrajectory(arcgames.make(GAME), blocker / "sub", player="x")
    with pytest.raises(RecordingError, match="cannot create recording"):
        env.reset()


def test_full_disk_keeps_earlier_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = RecordTrajectory(arcgames.make(GAME), tmp_path, player="x")
    env.reset()
    env.step(Action.ACTION4)
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(RecordingError, match="No space left on device"):
        env.step(Action.ACTION4)
    monkeypatch.setattr(os, "write", real_write)
    rec = read_recording(env.recordings[0])
    assert len(rec.steps) == 1 and rec.end is None


def test_killed_process_loses_at_most_the_line_being_written(tmp_path: Path) -> None:
    script = f"""
import os, arcgames
from arcgames.wrappers import RecordTrajectory
env = RecordTrajectory(arcgames.make("{GAME}"), path=r"{tmp_path / "killed.jsonl"}", player="k")
env.reset()
for _ in range(5):
    env.step(arcgames.Action.ACTION2)
os._exit(9)  # no close(), no flush, no end line
"""
    subprocess.run([sys.executable, "-c", script], check=False)
    result = verify(tmp_path / "killed.jsonl")
    assert result.ok and result.actions == 5 and not result.complete


def test_invalid_actions_are_refused_and_not_recorded(tmp_path: Path) -> None:
    env = RecordTrajectory(arcgames.make(GAME), tmp_path, player="x")
    env.reset()
    with pytest.raises(arcgames.InvalidActionError):
        env.step(Action.click(1, 1))  # this game has no clicks
    env.step(Action.ACTION4)
    env.close()
    assert [s.action for s in read_recording(env.recordings[0]).steps] == ["ACTION4"]


def test_agent_fields_are_recorded(tmp_path: Path) -> None:
    env = RecordTrajectory(arcgames.make(GAME), tmp_path, player="llm")
    env.reset()
    env.annotate(tokens_in=120, tokens_out=7, cost=0.0012)
    env.step(Action.ACTION4)
    env.step(Action.ACTION3)
    env.close()
    first, second = read_recording(env.recordings[0]).steps
    assert (first.tokens_in, first.tokens_out, first.cost) == (120, 7, 0.0012)
    assert second.tokens_in is None


def test_game_version_is_stable_across_processes() -> None:
    code = f"import arcgames; print(arcgames.get_game('{GAME}').version)"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout for _ in range(2)}
    assert runs == {arcgames.get_game(GAME).version + "\n"}


def test_llm_reply_fields_are_recorded_and_unknown_fields_refused(tmp_path: Path) -> None:
    env = RecordTrajectory(arcgames.make(GAME), tmp_path, player="llm")
    env.reset()
    env.annotate(tokens_in=5, tokens_out=1, cost=0.0, invalid_replies=3, default_action=True)
    env.step(Action.ACTION4)
    with pytest.raises(ValueError, match="unknown recording fields \\['mood'\\]"):
        env.annotate(mood=1)
    env.close()
    (step,) = read_recording(env.recordings[0]).steps
    assert (step.invalid_replies, step.default_action) == (3, True)


def test_version_1_recordings_are_still_read(recording: Path) -> None:
    lines = lines_of(recording)
    lines[0] = lines[0].replace(f'"schema_version":{SCHEMA_VERSION}', '"schema_version":1')
    assert read_recording(forge(recording.with_name("forged.jsonl"), lines)).header.schema_version == 1


@pytest.mark.parametrize("tail", [b" ", b"\n", b"{", b'{"type":"end"}', b"garbage after the end"])
def test_bytes_after_the_end_line_are_an_error_not_a_torn_tail(recording: Path, tail: bytes) -> None:
    recording.write_bytes(recording.read_bytes() + tail)
    result = verify(recording)
    assert not result.ok and "after the end line" in result.reason


def test_crlf_line_endings_are_refused(recording: Path) -> None:
    recording.write_bytes(recording.read_bytes().replace(b"\n", b"\r\n"))
    result = verify(recording)
    assert not result.ok and "CRLF" in result.reason and "line 1" in result.reason


def test_huge_line_is_refused_without_parsing(recording: Path) -> None:
    lines = lines_of(recording)
    lines.insert(1, "x" * 100_000 + "\n")
    result = verify(rewrite(recording, lines))
    assert not result.ok and "line 2" in result.reason and "at most" in result.reason


def test_huge_player_name_is_refused(recording: Path) -> None:
    lines = lines_of(recording)
    header = json.loads(lines[0])
    header["player"] = "p" * 5000
    lines[0] = json.dumps(header, separators=(",", ":")) + "\n"
    result = verify(forge(recording.with_name("forged.jsonl"), lines))
    assert not result.ok and "'player'" in result.reason and "200" in result.reason


def test_non_regular_files_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)  # reading a FIFO with no writer would block forever
    assert "not a regular file" in verify(fifo).reason
    device = tmp_path / "zero.jsonl"
    device.symlink_to("/dev/zero")  # reading it would never end
    assert "not a regular file" in verify(device).reason
    assert "not a regular file" in verify(tmp_path).reason


def test_engine_is_named_only_for_other_engines(recording: Path) -> None:
    """arcgames' own recordings carry no engine field (unchanged byte for byte); an unknown engine is refused."""
    assert '"engine"' not in lines_of(recording)[0] and read_recording(recording).header.engine is None
    lines = lines_of(recording)
    lines[0] = json.dumps(json.loads(lines[0]) | {"engine": "pinball"}, separators=(",", ":"))
    result = verify(forge(recording.with_name("forged.jsonl"), lines))
    assert not result.ok and "engine 'pinball'" in result.reason and "arcengine" in result.reason


def test_a_start_level_outside_the_game_is_named_as_people_count(recording: Path) -> None:
    lines = lines_of(recording)
    header = json.loads(lines[0])
    header["start_level"] = 9
    lines[0] = json.dumps(header, separators=(",", ":")) + "\n"
    result = verify(forge(recording.with_name("late.jsonl"), lines))
    assert not result.ok and "start level 10 does not exist" in result.reason
