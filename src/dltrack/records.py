"""Record: a small immutable record with named fields, as typing.NamedTuple, cheap to define.

The renderer and the learner's functions define some fifty record types, and `done`
and `next` import them all at start-up. typing.NamedTuple builds each class through
collections.namedtuple, which compiles a constructor for it, and checks every
annotation: together about 3 % of the instructions `done` ran (10 M of 390 M). A
Record class is a tuple subclass whose fields are the names its class body annotates
(the annotations are never evaluated, so a module may postpone them) and whose one
constructor, shared by every Record, fills defaults and keywords.

Type checkers see typing.NamedTuple itself, so every record is checked as one, and a
Record behaves as one at run time: a tuple, with _fields, _field_defaults, _make,
_replace and _asdict. A subclass may add methods, not fields; records are not generic.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:

    class _RecordType(type):
        """Turns a class body's annotated names into tuple fields read by position."""

        def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]):
            if not any(isinstance(base, _RecordType) for base in bases):
                return super().__new__(mcls, name, bases, namespace)  # Record itself
            if any(getattr(base, "_fields", ()) for base in bases):
                # A subclass of a record type: methods only, as with NamedTuple.
                if namespace.get("__annotations__"):
                    raise TypeError(f"{name}: a record's subclass cannot add fields")
                namespace.setdefault("__slots__", ())
                return super().__new__(mcls, name, bases, namespace)
            fields = tuple(namespace.get("__annotations__", ()))
            defaults: dict[str, Any] = {}
            for index, field in enumerate(fields):
                if field.startswith("_"):
                    raise TypeError(f"{name}: a field name cannot start with '_': {field}")
                if field in namespace:
                    defaults[field] = namespace[field]
                elif defaults:
                    raise TypeError(f"{name}: field {field} without a default follows one with")
                namespace[field] = property(itemgetter(index), doc=f"Field {index}: {field}")
            namespace.update(
                __slots__=(), _fields=fields, _field_defaults=defaults, __match_args__=fields
            )
            return super().__new__(mcls, name, bases, namespace)

    class Record(tuple, metaclass=_RecordType):
        """The base of a record type: annotate its fields in the class body."""

        __slots__ = ()
        _fields: ClassVar[tuple[str, ...]] = ()
        _field_defaults: ClassVar[dict[str, Any]] = {}

        def __new__(cls, *values: Any, **named: Any):
            fields = cls._fields
            if not named and len(values) == len(fields):
                return tuple.__new__(cls, values)
            if not values and len(named) == len(fields):
                # Every field by name, as records built from query rows are.
                try:
                    return tuple.__new__(cls, [named[f] for f in fields])
                except KeyError:
                    pass  # a name that is no field: _completed says which
            return tuple.__new__(cls, _completed(cls, values, named))

        @classmethod
        def _make(cls, iterable: Any):
            made = tuple.__new__(cls, iterable)
            if len(made) != len(cls._fields):
                raise TypeError(f"{cls.__name__} takes {len(cls._fields)} fields, not {len(made)}")
            return made

        def _replace(self, **changes: Any):
            made = self._make(changes.pop(f, v) for f, v in zip(self._fields, self, strict=True))
            if changes:
                raise ValueError(f"{type(self).__name__} has no field {', '.join(changes)}")
            return made

        def _asdict(self) -> dict[str, Any]:
            return dict(zip(self._fields, self, strict=True))

        def __getnewargs__(self) -> tuple[Any, ...]:
            return tuple(self)

        def __repr__(self) -> str:
            shown = ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self, strict=True))
            return f"{type(self).__name__}({shown})"

    def _completed(cls: type[Record], values: tuple[Any, ...], named: dict[str, Any]):
        """values, then the named fields, then the defaults, in field order (or a TypeError)."""
        fields = cls._fields
        if len(values) > len(fields):
            raise TypeError(f"{cls.__name__} takes {len(fields)} fields, not {len(values)}")
        defaults = cls._field_defaults
        missing = object()
        rest = [named.pop(f, defaults.get(f, missing)) for f in fields[len(values) :]]
        if named:
            twice = [f for f in named if f in fields]
            raise TypeError(
                f"{cls.__name__} got {', '.join(twice)} twice"
                if twice
                else f"{cls.__name__} has no field {', '.join(named)}"
            )
        if any(v is missing for v in rest):
            absent = [f for f, v in zip(fields[len(values) :], rest, strict=True) if v is missing]
            raise TypeError(f"{cls.__name__} is missing {', '.join(absent)}")
        return (*values, *rest)
