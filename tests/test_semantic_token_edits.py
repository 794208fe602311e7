"""The delta between two token lists: one edit that turns the old list into the new one, exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csound_lsp.features.semantic_tokens import edits

# Tokens are five integers each; lists long enough to cross the comparison's slice size (2,048).
tokens = st.lists(st.tuples(*[st.integers(0, 3)] * 5), max_size=900).map(
    lambda ts: [i for t in ts for i in t]
)


@settings(max_examples=300, deadline=None)
@given(
    tokens,
    st.integers(0, 10_000),
    st.lists(st.tuples(*[st.integers(0, 3)] * 5), max_size=4),
    st.integers(0, 4),
)
def test_one_edit_turns_the_old_list_into_the_new(
    before: list[int], at: int, inserted: list[tuple[int, ...]], removed: int
) -> None:
    cut = (at % (len(before) // 5 + 1)) * 5
    after = before[:cut] + [i for t in inserted for i in t] + before[cut + removed * 5 :]
    found = edits(before, after)
    if before == after:
        assert found == []
        return
    (edit,) = found
    assert edit.start % 5 == 0 and edit.delete_count % 5 == 0
    assert before[: edit.start] + list(edit.data or []) + before[edit.start + edit.delete_count :] == after
    # the smallest such edit on token boundaries: the common head and tail are left alone
    head = next(
        (n for n, (x, y) in enumerate(zip(before, after, strict=False)) if x != y),
        min(len(before), len(after)),
    )
    assert edit.start == head - head % 5
    tail = 0
    while tail < min(len(before), len(after)) - edit.start and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    assert len(before) - edit.start - edit.delete_count == tail - tail % 5


def test_a_change_deep_inside_a_long_list_is_found() -> None:
    before = list(range(300_000))
    after = [*before[:150_000], 9, 9, 9, 9, 9, *before[150_000:]]
    (edit,) = edits(before, after)
    assert (edit.start, edit.delete_count, edit.data) == (150_000, 0, [9, 9, 9, 9, 9])
