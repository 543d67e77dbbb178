from service.services.comments.read_cache import LRU


def test_lru_drops_the_least_recently_used_entry():
    cache = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_lru_is_bounded_by_the_text_it_holds():
    cache = LRU(100, max_weight=10)
    cache.put("a", "x" * 6)
    cache.put("b", "y" * 6)
    assert cache.get("a") is None and cache.get("b") == "y" * 6 and len(cache) == 1
    cache.put("b", "z" * 3)  # replacing an entry releases its old weight
    cache.put("c", "w" * 7)
    assert cache.get("b") == "z" * 3 and cache.get("c") == "w" * 7


def test_text_weighs_what_it_takes_in_memory():
    """A page with one emoji in it is held at four bytes a character: the bound is on memory."""
    cache = LRU(100, max_weight=1000)
    cache.put("ascii", "x" * 300)
    cache.put("emoji", "x" * 299 + "\U0001F600")
    assert cache.get("ascii") is None and cache.get("emoji") is None  # 300 + about 1,200 bytes
    cache.put("bytes", ("x" * 299 + "\U0001F600").encode())  # the same text as UTF-8: 303 bytes
    cache.put("ascii", "x" * 300)
    assert cache.get("bytes") is not None and cache.get("ascii") == "x" * 300
