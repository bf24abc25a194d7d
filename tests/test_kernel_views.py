"""The array views kernels take without numba's reshape (arcgames.kernels: as_flat, as_board, as_words)."""

import numba
import numpy as np
import pytest

from arcgames.kernels import as_board, as_flat, as_words


@numba.njit
def _board(row, h, w):
    return as_board(row, h, w)


@numba.njit
def _flat(array):
    return as_flat(array)


@numba.njit
def _words(array):
    return as_words(array)


@numba.njit
def _write_through(row, h, w):
    board = as_board(row, h, w)
    board[1, h - 1, w - 1] = 7
    as_flat(board)[0] = 9


def test_a_board_view_is_the_reshaped_start_of_its_row_and_writes_through():
    row = np.arange(40, dtype=np.uint8)
    board = _board(row, 3, 5)
    np.testing.assert_array_equal(board, row[:30].reshape(2, 3, 5))
    assert board.strides == (15, 5, 1)
    _write_through(row, 3, 5)
    assert row[29] == 7 and row[0] == 9 and row[30] == 30  # the bytes after the board are left alone


@pytest.mark.parametrize("shape", [(7,), (2, 3, 4), (3, 5)])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_a_flat_view_has_every_element_in_order(shape, dtype):
    array = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
    np.testing.assert_array_equal(_flat(array), array.reshape(-1))


@pytest.mark.parametrize("size", [0, 7, 8, 30, 64])
def test_words_are_the_whole_eight_byte_words_of_the_bytes(size):
    data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8)
    whole = size // 8 * 8
    np.testing.assert_array_equal(_words(data), data[:whole].view(np.uint64))


def test_views_refuse_arrays_that_are_not_c_contiguous():
    strided = np.zeros((4, 6), dtype=np.uint8)[:, ::2]
    with pytest.raises(numba.TypingError):
        _flat(strided)
    with pytest.raises(numba.TypingError):
        _words(np.zeros(8, dtype=np.int32))  # words are views of bytes only
