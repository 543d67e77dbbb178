"""What becomes a link: every URL with a scheme, bare names on a public suffix, nothing else."""

import time

import pytest
import tldextract

from service.moderation.domains import _PLAIN, is_domain_name, public_suffix
from service.moderation.rules import link_host
from service.moderation.sanitize import render_body

# (text, the links it makes)
LINKS = [
    # a written scheme makes a link whatever the TLD, the host or the port
    ("https://spam.xyz/a", ["https://spam.xyz/a"]),
    ("https://web.dev/x", ["https://web.dev/x"]),
    ("https://example.app", ["https://example.app"]),
    ("HTTPS://WEB.DEV/X", ["HTTPS://WEB.DEV/X"]),
    ("http://shop.example.casino/buy?x=1&y=2#top", ["http://shop.example.casino/buy?x=1&y=2#top"]),
    ("http://localhost:8000/x", ["http://localhost:8000/x"]),
    ("http://127.0.0.1/admin", ["http://127.0.0.1/admin"]),
    ("http://[::1]:8080/x", ["http://[::1]:8080/x"]),
    ("https://intranet/wiki", ["https://intranet/wiki"]),
    ("https://пример.рф/путь", ["https://пример.рф/путь"]),
    ("two: https://a.dev/1 https://b.io/2", ["https://a.dev/1", "https://b.io/2"]),
    # bare names on any public suffix, with paths and ports
    ("spam.xyz", ["http://spam.xyz"]),
    ("see www.example.xyz now", ["http://www.example.xyz"]),
    ("ann.blog/about", ["http://ann.blog/about"]),
    ("shop.example.co.uk/p?q=1", ["http://shop.example.co.uk/p?q=1"]),
    ("example.com:8080/x", ["http://example.com:8080/x"]),
    ("bet.casino and win.bet", ["http://bet.casino", "http://win.bet"]),
    ("пример.рф", ["http://пример.рф"]),
    ("xn--e1afmkfd.xn--p1ai", ["http://xn--e1afmkfd.xn--p1ai"]),
    ("EXAMPLE.COM", ["http://EXAMPLE.COM"]),
    # punctuation around a link stays outside it
    ("(see https://a.dev/x).", ["https://a.dev/x"]),
    ("visit example.org, then leave.", ["http://example.org"]),
    ("<https://web.dev/x>", ["https://web.dev/x"]),
    ("[docs](https://web.dev/x)", ["https://web.dev/x"]),
]

NOT_LINKS = [
    "1.it was a fine day",
    "1.It was a fine day",
    "Python 3.10 is out",
    "version 3.12.1 and 10.0.19045",
    "it costs 1.50 or 2.99",
    "e.g. this, i.e. that",
    "see notes.txt and data.csv",
    "the co.uk suffix alone",
    "I was there.It was great",
    "a fine day.Love it",
    "mail ann@example.xyz",
    "ftp://files.example.com",
    "javascript://web.dev/%0aalert(1)",
    "xhttps://web.dev",
    "`https://web.dev/x` in code",
    "code:\n\n    https://web.dev/x in a code block",
    "a..b.com",
    "-example.com",
]


def links(text: str) -> list[str]:
    return list(render_body(text).links)


@pytest.mark.parametrize(("text", "expected"), LINKS)
def test_urls_with_a_scheme_and_bare_domains_are_links(text, expected):
    assert links(text) == expected


@pytest.mark.parametrize("text", NOT_LINKS)
def test_numbers_file_names_and_sentences_are_not_links(text):
    assert links(text) == []


@pytest.mark.parametrize(("text", "expected"), LINKS)
def test_every_link_in_the_html_is_counted_and_gets_rel(text, expected):
    html = render_body(text).html
    assert html.count("<a ") == len(expected) == html.count('rel="nofollow ugc noopener"')


@pytest.mark.parametrize(("text", "host"), [
    ("https://www.spam.xyz/a", "www.spam.xyz"),
    ("spam.xyz/a", "spam.xyz"),
    ("https://пример.рф/x", "xn--e1afmkfd.xn--p1ai"),
    ("http://[::1]:8080/x", "::1"),
])
def test_the_host_the_rules_read_is_the_host_of_the_rendered_link(text, host):
    assert [link_host(url) for url in links(text)] == [host]


SAMPLE_TLDS = ["com", "xyz", "dev", "app", "blog", "casino", "bet", "io", "it", "uk", "рф", "xn--p1ai", "zip"]


@pytest.mark.parametrize("tld", SAMPLE_TLDS)
def test_a_bare_domain_on_a_tld_is_a_link(tld):
    assert links(f"go to example.{tld} now") == [f"http://example.{tld}"]


def test_every_tld_of_the_public_suffix_list_is_recognised():
    tlds = {rule for rule in _PLAIN if "." not in rule}
    assert len(tlds) > 1400
    assert [tld for tld in sorted(tlds) if not is_domain_name(f"example.{tld}")] == []


# tldextract's own extractor, from the same bundled snapshot and without the network, is the reference.
REFERENCE = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=False)


@pytest.mark.parametrize("host", [
    "example.com", "www.example.co.uk", "a.b.example.com.au", "example.xyz", "web.dev", "co.uk", "uk",
    "www.ck", "foo.bar.ck", "city.kobe.jp", "a.city.kobe.jp", "x.kobe.jp", "example.github.io",
    "пример.рф", "xn--e1afmkfd.xn--p1ai", "3.10", "localhost", "notes.txt", "example.zip", "EXAMPLE.COM",
])
def test_public_suffixes_agree_with_tldextract(host):
    assert public_suffix(host) == REFERENCE.extract_str(host).suffix.lower()


@pytest.mark.parametrize(("host", "expected"), [
    ("example.com", True), ("1.it", False), ("123.com", False), ("1a.com", True), ("co.uk", False),
    ("3.10", False), ("localhost", False), ("www.ck", True), ("foo.ck", False), ("a.foo.ck", True),
    (".com", False), ("a..com", False),
])
def test_a_domain_name_needs_a_name_with_a_letter_before_its_suffix(host, expected):
    assert is_domain_name(host) is expected


@pytest.mark.parametrize("text", [
    "a." * 5000 + "!",
    ("x" * 60 + ".") * 300 + "1",
    "https://" + "a." * 5000,
    "http://" + "[" * 3000,
    "-." * 5000 + "com",
])
def test_hostile_almost_links_render_in_linear_time(text):
    started = time.perf_counter()
    render_body(text)
    assert time.perf_counter() - started < 1.0
