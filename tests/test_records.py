"""Record behaves as typing.NamedTuple does wherever dltrack uses one."""

from __future__ import annotations

import copy
import pickle
from typing import NamedTuple

import pytest

from dltrack.records import Record


class Place(Record):
    """A record with a default, as the learner's results have."""

    track: str
    stage: int
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.track}/{self.stage}"


class Twin(NamedTuple):
    track: str
    stage: int
    note: str | None = None


def test_fields_come_from_the_annotations_in_order() -> None:
    assert Place._fields == ("track", "stage", "note") == Twin._fields
    assert Place._field_defaults == {"note": None} == Twin._field_defaults
    assert Place.__match_args__ == Twin.__match_args__


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a", 1), {}),
        (("a", 1, "n"), {}),
        (("a",), {"stage": 2}),
        ((), {"note": "x", "stage": 3, "track": "b"}),
    ],
)
def test_built_like_a_named_tuple(args: tuple, kwargs: dict) -> None:
    made, twin = Place(*args, **kwargs), Twin(*args, **kwargs)
    assert tuple(made) == tuple(twin)
    assert (made.track, made.stage, made.note) == (twin.track, twin.stage, twin.note)
    assert made._asdict() == twin._asdict()
    assert repr(made) == repr(twin).replace("Twin", "Place")


@pytest.mark.parametrize(
    ("args", "kwargs", "problem"),
    [
        (("a",), {}, "missing stage"),
        ((), {"stage": 1}, "missing track"),
        (("a", 1, "n", "extra"), {}, "takes 3 fields, not 4"),
        (("a", 1), {"colour": "red"}, "no field colour"),
        (("a", 1), {"track": "b"}, "got track twice"),
    ],
)
def test_wrong_fields_are_refused(args: tuple, kwargs: dict, problem: str) -> None:
    with pytest.raises(TypeError, match=problem):
        Place(*args, **kwargs)
    with pytest.raises(TypeError):
        Twin(*args, **kwargs)


def test_a_record_is_an_immutable_tuple() -> None:
    place = Place("a", 1)
    assert isinstance(place, tuple) and place == ("a", 1, None)
    assert hash(place) == hash(("a", 1, None))
    assert place.label == "a/1"
    track, stage, note = place
    assert (track, stage, note) == ("a", 1, None)
    with pytest.raises(AttributeError):
        place.track = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        place.colour = "red"  # type: ignore[attr-defined]


def test_replace_make_copy_and_pickle() -> None:
    place = Place("a", 1)
    assert place._replace(stage=5) == Place("a", 5)
    assert type(place._replace(stage=5)) is Place
    with pytest.raises(ValueError, match="no field colour"):
        place._replace(colour="red")
    assert Place._make(["b", 2, "n"]) == Place("b", 2, "n")
    with pytest.raises(TypeError, match="takes 3 fields, not 2"):
        Place._make(["b", 2])
    assert copy.copy(place) == place and copy.deepcopy(place) == place
    assert pickle.loads(pickle.dumps(place)) == place


def test_a_field_without_a_default_cannot_follow_one_with() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Bad(Record):
            first: int = 0
            second: int

    with pytest.raises(TypeError, match="cannot start with '_'"):

        class Hidden(Record):
            _secret: int


def test_postponed_annotations_are_never_evaluated() -> None:
    # Under `from __future__ import annotations` (this module), the annotation is a
    # string naming something that does not exist: only its name is read.
    class Lazy(Record):
        thing: NoSuchType  # type: ignore[name-defined]  # noqa: F821

    assert Lazy(1).thing == 1


def test_a_subclass_keeps_the_fields_and_adds_no_more() -> None:
    class Labelled(Place):
        def shout(self) -> str:
            return self.track.upper()

    made = Labelled("a", 1)
    assert Labelled._fields == Place._fields and made.shout() == "A" and made.note is None
    with pytest.raises(TypeError, match="cannot add fields"):

        class Wider(Place):
            extra: int = 0
