"""A read-only, hashable, picklable mapping: the frozen tables of a taxonomy (seed terms, sentiment scores).

Example:
    >>> scores = FrozenMap({"negative": -1.0, "positive": 1.0})
    >>> scores == {"negative": -1.0, "positive": 1.0}, list(scores)
    (True, ['negative', 'positive'])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TypeVar

__all__ = ["FrozenMap"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable, picklable mapping that keeps insertion order.

    Equality is that of a ``dict``; the hash is that of its items, so the values must be hashable.

    Example:
        >>> seeds = FrozenMap({"en": ("courier",)})
        >>> seeds["en"], len(seeds), hash(seeds) == hash(FrozenMap({"en": ("courier",)}))
        (('courier',), 1, True)
        >>> seeds["ru"] = ("курьер",)
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMap' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = (), /) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (type(self), (self._data,))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"
