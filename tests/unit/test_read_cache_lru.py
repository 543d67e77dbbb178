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
