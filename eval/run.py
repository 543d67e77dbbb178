"""`make eval`: the spam filter measured by the protocol of service/spam/data/README.md.

Across videos: train on two corpus files (plus the blog examples written for this project),
test on the third, for each of the three choices; report each, the mean and the worst. The
whole pipeline is measured through `decisions.screen_first_comment`, the draft and engine a
reader's submission goes through, with the default policy and every comment a first-time
anonymous submission; the model alone with its ROC-AUC; then the learning curve: a new source
(the third video) after 25, 50, 100 and 200 moderator decisions on it, measured on the rest of it.
Last, the shipped base model, as a new install runs it, on blog comments written apart from
every training file: eval/blog_dev.csv, eval/blog_holdout.csv, eval/blog_test.csv and
eval/blog_fresh.csv (see
write() for what each was used for).
Writes eval/RESULTS.md; every figure is deterministic (fixed seeds, fixed orders).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import roc_auc_score  # noqa: E402

from service.moderation import rules  # noqa: E402
from service.moderation.policy import DEFAULT_POLICY, Policy  # noqa: E402
from service.moderation.sanitize import render_body  # noqa: E402
from service.moderation.spam_model import base_model  # noqa: E402
from service.moderation.text import capitals_share, character_floods, fingerprint  # noqa: E402
from service.moderation.types import Draft, Facts  # noqa: E402
from service.models import utcnow  # noqa: E402
from service.services.moderation.decisions import screen_first_comment  # noqa: E402
from service.spam import training  # noqa: E402
from service.spam.data import Example, blog_examples, corpus, read_csv  # noqa: E402
from service.spam.retrain import BLOG_WEIGHT, DECISION_WEIGHT, base_examples, base_weights  # noqa: E402

CURVE = (0, 25, 50, 100, 200)
RULES_ONLY = Policy(spam_filter=False)
BLOG_DEV = ROOT / "eval" / "blog_dev.csv"
BLOG_HOLDOUT = ROOT / "eval" / "blog_holdout.csv"
BLOG_TEST = ROOT / "eval" / "blog_test.csv"
BLOG_FRESH = ROOT / "eval" / "blog_fresh.csv"


def pipeline(model, examples, policy=DEFAULT_POLICY) -> tuple[float, float]:
    held = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for e in examples:
        total[e.spam] += 1
        held[e.spam] += is_held(model, e, policy)
    return held[True] / total[True], held[False] / total[False]


def model_alone(model, examples) -> tuple[float, float, float]:
    scores = [model.probability(training.features_of(e)) for e in examples]
    labels = [e.spam for e in examples]
    recall, false = training.held_shares(scores, labels, model.threshold)
    return roc_auc_score(labels, scores), recall, false


def shouting_fires(examples) -> tuple[float, float, float, float]:
    """(old rule on spam, old on legitimate, new on spam, new on legitimate): shares held by the
    shouting and character-flood rules before and after they asked for a second signal."""
    old = {True: 0, False: 0}
    new = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for e in examples:
        letters, share = capitals_share(e.body)
        fired = (letters >= rules.SHOUTING_MIN_LETTERS and share >= rules.SHOUTING_CAPITALS_SHARE) \
            or bool(character_floods(e.body, rules.FLOOD_MIN_RUN))
        draft = screen_first_comment({"body": e.body, "author": e.author or "reader"}, None, RULES_ONLY)
        total[e.spam] += 1
        old[e.spam] += fired
        new[e.spam] += any(r.code in ("shouting", "character_flood") for r in draft.reasons)
    return (old[True] / total[True], old[False] / total[False], new[True] / total[True], new[False] / total[False])


def is_held(model, example: Example, policy: Policy = DEFAULT_POLICY) -> bool:
    """Whether the submission's own decision holds `example` as a first-time anonymous comment."""
    return screen_first_comment(example.submission(), model, policy, example.page_url).status != "approved"


def link_kind(example: Example) -> str:
    """Where a comment's links are: what a blog owner asks of the base model differs by it."""
    if render_body(example.body).links:
        return "a link in the text"
    return "a website, no link in the text" if example.website else "no link"


LINK_KINDS = ("no link", "a website, no link in the text", "a link in the text")
BLOG_CURVE = (0, 25, 50, 100)


def blog_counts(model, examples: list[Example]) -> tuple[dict, list[str]]:
    """{(spam, link kind): [held, total]} and the text of every legitimate comment held."""
    counts = {(spam, kind): [0, 0] for spam in (True, False) for kind in LINK_KINDS}
    wrongly_held = []
    for e in examples:
        e_held = is_held(model, e)
        count = counts[e.spam, link_kind(e)]
        count[0] += e_held
        count[1] += 1
        if e_held and not e.spam:
            wrongly_held.append(e.body)
    return counts, wrongly_held


def share(counts: dict, spam: bool, kinds: tuple[str, ...] = LINK_KINDS) -> str:
    n_held = sum(counts[spam, k][0] for k in kinds)
    total = sum(counts[spam, k][1] for k in kinds)
    return f"{pct(n_held / total)} ({n_held} of {total})" if total else "-"


def on_blog_comments(model, path: Path) -> list[str]:
    """The shipped model on a file of blog comments, by class and by where their links are, with
    every legitimate comment it holds: the false holds a blog owner would meet."""
    counts, wrongly_held = blog_counts(model, read_csv(path, source=path.stem))
    out = ["| comments | spam held | legitimate held |", "|---|---:|---:|"]
    for label, kinds in (("**all**", LINK_KINDS), *((kind, (kind,)) for kind in LINK_KINDS)):
        out.append(f"| {label} | {share(counts, True, kinds)} | {share(counts, False, kinds)} |")
    print(f"{path.name}: {out[2]}", flush=True)
    out += ["", "Legitimate comments it holds:" if wrongly_held else "It holds no legitimate comment.", ""]
    out += [f"- {body[:100]!r}" for body in wrongly_held]
    return out


def blog_learning_curve(path: Path) -> list[str]:
    """The blog file as a new site: its first N comments (a fixed shuffle) are moderator
    decisions added to the base data, as a retraining adds them; measured on the rest."""
    order = read_csv(path, source=path.stem)
    random.Random(f"curve:{path.name}").shuffle(order)
    base = base_examples()
    out = ["| decisions | spam held | legitimate held | spam whose only link is the website | "
           "legitimate with a link in the text | the base model on the same rest: spam / legitimate |",
           "|---:|---:|---:|---:|---:|---:|"]
    for n in BLOG_CURVE:
        decided, rest = order[:n], order[n:]
        model = base_model() if not n else training.fit(
            base + decided, weights=base_weights(base) + [DECISION_WEIGHT] * n).model
        counts, _ = blog_counts(model, rest)
        before, _ = blog_counts(base_model(), rest) if n else (counts, None)
        out.append(f"| {n} | {share(counts, True)} | {share(counts, False)} | "
                   f"{share(counts, True, (LINK_KINDS[1],))} | {share(counts, False, (LINK_KINDS[2],))} | "
                   f"{share(before, True)} / {share(before, False)} |")
        print(f"  {path.name} after {n} decisions: {out[-1]}", flush=True)
    return out


def campaign_stream(test: str, model, examples: list[Example]) -> tuple[dict, dict, dict]:
    """The campaign check (`copies_to_review`) on a video as one stream in a fixed shuffle, as if
    every comment arrived within one repeat window and each author were a sender of their own:
    ({spam: held by the check}, {spam: held by the pipeline or the check}, {spam: comments})."""
    order = list(examples)
    random.Random(f"campaign:{test}").shuffle(order)
    authors_by_text: dict[str, list[str]] = {}
    check, either, total = {True: 0, False: 0}, {True: 0, False: 0}, {True: 0, False: 0}
    for e in order:
        authors = authors_by_text.setdefault(fingerprint(e.body), [])
        copies = sum(author != e.author for author in authors)
        authors.append(e.author)
        draft = Draft(body=e.body, author=e.author or "reader", page_url=e.page_url)
        held = rules.copied_text(draft, Facts(now=utcnow(), copies_recent=copies), DEFAULT_POLICY) is not None
        total[e.spam] += 1
        check[e.spam] += held
        either[e.spam] += held or is_held(model, e)
    return check, either, total


def across(test, model, examples):
    held = pipeline(model, examples)
    auc, m_recall, m_false = model_alone(model, examples)
    rules_only = pipeline(None, examples, RULES_ONLY)
    print(f"{test}: pipeline {held}, model auc {auc:.4f}", flush=True)
    return test, held, (auc, m_recall, m_false), rules_only, model.threshold


def table(rows) -> list[str]:
    out = ["| test video | spam held | legitimate held | model ROC-AUC | model alone: spam / legitimate | "
           "rules alone: spam / legitimate | threshold |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for test, (recall, false), (auc, m_recall, m_false), (r_recall, r_false), threshold in rows:
        out.append(f"| {test.removesuffix('.csv')} | {pct(recall)} | {pct(false)} | {auc:.3f} | "
                   f"{pct(m_recall)} / {pct(m_false)} | {pct(r_recall)} / {pct(r_false)} | {threshold:.3f} |")
    recalls = [r[1][0] for r in rows]
    falses = [r[1][1] for r in rows]
    aucs = [r[2][0] for r in rows]
    out.append(f"| **mean** | {pct(sum(recalls) / 3)} | {pct(sum(falses) / 3)} | {sum(aucs) / 3:.3f} | | | |")
    out.append(f"| **worst** | {pct(min(recalls))} | {pct(max(falses))} | {min(aucs):.3f} | | | |")
    return out


def count_share(held: dict, total: dict, spam: bool) -> str:
    return f"{pct(held[spam] / total[spam])} ({held[spam]} of {total[spam]})"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def main() -> None:
    started = time.monotonic()
    files = corpus()
    blog = blog_examples()
    names = list(files)
    rows, blog_rows, curve, campaigns = [], [], {n: [] for n in CURVE}, []
    for test in names:
        train = [e for name in names if name != test for e in files[name]]
        model = training.fit(train).model
        rows.append(across(test, model, files[test]))
        campaigns.append((test, *campaign_stream(test, model, files[test])))
        with_blog = train + blog
        blog_rows.append(across(test, training.fit(with_blog, weights=base_weights(with_blog)).model, files[test]))
        order = list(files[test])
        random.Random(f"curve:{test}").shuffle(order)
        for n in CURVE:
            decided, rest = order[:n], order[n:]
            if n:
                examples = train + decided
                weights = [1.0] * len(train) + [DECISION_WEIGHT] * len(decided)
                adapted = training.fit(examples, weights=weights).model
            else:
                adapted = model
            curve[n].append(pipeline(adapted, rest))
            print(f"  after {n} decisions: {curve[n][-1]}", flush=True)
    shout = shouting_fires([e for name in names for e in files[name]])
    on_blogs = (on_blog_comments(base_model(), BLOG_FRESH),
                on_blog_comments(base_model(), BLOG_TEST), on_blog_comments(base_model(), BLOG_HOLDOUT),
                on_blog_comments(base_model(), BLOG_DEV), blog_learning_curve(BLOG_DEV))
    write(rows, blog_rows, curve, shout, len(blog), sum(e.spam for e in blog), on_blogs, campaigns)
    print(f"eval/RESULTS.md written in {time.monotonic() - started:.0f} s")


def write(rows, blog_rows, curve, shout, n_blog, n_blog_spam, on_blogs, campaigns) -> None:
    out = ["# Spam filter: evaluation results", "",
           "Written by `make eval` (eval/run.py); every figure is reproducible (fixed seeds and orders).",
           "Protocol (service/spam/data/README.md): train on two videos of the YouTube Spam Collection, test on",
           "the third; the threshold is the model's own, chosen on out-of-fold scores of the training data",
           "(for half of `spam_max_false_holds` 0.02, see below), never on the test file. The whole pipeline is",
           "every comment sent as a first-time anonymous submission through the submission's decision (rules",
           "with the default policy plus the learned filter). DATE is never used.", "",
           "## Across videos (whole pipeline, default policy)", "", *table(rows), "",
           f"### The same, trained with the {n_blog} blog examples ({n_blog_spam} spam) as well", "",
           "As the shipped base model is built: the blog examples are one more training source, each",
           f"weighing {BLOG_WEIGHT:g} video comments, and the threshold is chosen out of fold on all the training",
           "examples, blog ones included. Their legitimate comments with a link to docs or an own blog score",
           "higher than the videos' legitimate comments (in the videos nearly every link is spam), so the",
           "threshold sits higher and holds fewer of the test video's spam comments than without them.", "",
           *table(blog_rows)]
    out += ["", "## Learning curve: a new source after N moderator decisions", "",
            "The test video plays a new site: its first N comments (a fixed shuffle) are moderator decisions",
            f"added to the training data (weight {DECISION_WEIGHT:g}), and the retrained model with its new",
            "threshold is measured, whole pipeline, on the rest of that video.", "",
            "| decisions | mean spam held | mean legitimate held | worst spam held | worst legitimate held |",
            "|---:|---:|---:|---:|---:|"]
    for n, results in curve.items():
        rec = [r for r, _ in results]
        fal = [f for _, f in results]
        out.append(f"| {n} | {pct(sum(rec) / 3)} | {pct(sum(fal) / 3)} | {pct(min(rec))} | {pct(max(fal))} |")
    out += ["", "## The campaign check on the videos (not counted above)", "",
            "`copies_to_review` (default 2) holds a text of 30 characters or more that two comments from",
            "other senders already carried within the repeat window (60 minutes). The protocol above sends",
            "every comment alone, so it never fires there. Here each video is one stream in a fixed shuffle,",
            "as if every comment arrived within one window and each author were a sender of their own: an",
            "upper bound on what the check holds (the comments came over months), measured to see what it",
            "costs legitimate comments. The model is the across-video one of the table at the top.", "",
            "| video | the check alone: spam / legitimate | the whole pipeline with it: spam / legitimate |",
            "|---|---:|---:|"]
    for test, check, either, total in campaigns:
        out.append(f"| {test.removesuffix('.csv')} | {count_share(check, total, True)} / "
                   f"{count_share(check, total, False)} | {count_share(either, total, True)} / "
                   f"{count_share(either, total, False)} |")
    out += ["", "No legitimate comment is held by it. The copies it finds are LMFAO's share text and calls to",
            "subscribe, which the model holds nearly all of already; what the model lets through there",
            "(likes asked for in words of each writer's own) is not copied word for word. KatyPerry's",
            "readers shared the video as its title and address three times: the page's own address is not",
            "counted in the 30 characters, so that is no campaign (with it, the check held one of them)."]
    fresh, test, holdout, dev, dev_curve = on_blogs
    out += ["", "## The shipped base model on blog comments it never saw", "",
            "What a new install holds on day one: the base model in the package (trained on the three",
            "videos and the blog examples) with the default policy, every comment a first-time anonymous",
            "submission. The four files were written for this project apart from the training data, each",
            "blind to it, to the model and to the files before it (legitimate: short thanks and praise, some",
            "with the author's own website, questions, links to docs or an own blog, money, casinos or",
            "medication in context, excitement, other languages; spam: SEO anchors, pharma, casinos, crypto",
            "and loan offers, essays, flattery whose only link is the website field, contact-detail scams,",
            "other languages).", "",
            "eval/blog_fresh.csv (300 comments, 130 spam: 55 whose only link is the website field, 40 with",
            "links in the text, 35 with none; 170 legitimate: 75 without a link, 45 with their own website,",
            "50 with a link in the text) was written last, by a writer who saw none of the project's data,",
            "code or files, and measured with each change below. Before the `trade_website` rule and the",
            "`website:sells` feature (below) the shipped model held 71.5% of its spam (93 of 130) at 14.1% of its",
            "legitimate comments (24 of 170; website-only spam 34.5%, 19 of 55). With both, their list of",
            "trades as first written: 89.2% (116) at 14.1% (24; website-only spam 76.4%, 42 of 55). Then",
            "words that also stand inside innocent words or names were taken out of the list (crypto in",
            "cryptography, diploma in diplomatic, keto, brides, crack, cheats, packers, matka, judi;",
            "contractor and injury, which honest trades use), without looking at any of the file's rows",
            "(87.7% at 14.1%), and six words of gambling and loans in other languages were added (pokies,",
            "kasino, kazino, казино, ставки, микрозайм), and homework (homeworkouts) and pharma",
            "(pharmacology) taken out, which changed no figure; the shipped model and list:", "", *fresh, "",
            "(The legitimate comments it holds are listed below as for every file: a change chosen after",
            "reading them is no longer measured blind here.)", "",
            "The legitimate comments with a link in the text are what it holds most (40%): links to shops,",
            "news, a reader's own blog, which the videos teach the model to weigh heavily; a site lists",
            "the domains its readers cite in `trusted_domains`, and the moderators' decisions retrain it.",
            "",
            "eval/blog_test.csv (300 comments, 125 spam; for 150 of them the website field is the only",
            "link) was written before it. The model before the website's signature (below) held 51.2% of its",
            "spam at 5.1% of its legitimate comments (website-only spam 20.0% at 0.0%; legitimate comments",
            "with a link in the text 26.7%); the one before the `trade_website` rule and the",
            "`website:sells` feature 62.4% at 6.9% (website-only spam 38.7%, 29 of 75). The spam that one let",
            "through was read before the list of trades was written, so this file is no longer blind to it;",
            "the shipped model:", "", *test, "",
            "eval/blog_holdout.csv was written before it, and chose nothing either; it was measured with",
            "each shipped model. The base model before the last 185 blog examples and their weight (below)",
            "held 65.0% of its spam at 3.0% of its legitimate comments; the one before the website's",
            "signature 71.7% at 3.0% (website-only spam 3.7%); the one before the `trade_website` rule",
            "80.0% at 4.3% (website-only spam 22.2%):", "", *holdout, "",
            "eval/blog_dev.csv chose them: with the base model before them it held 73.3% of spam at 3.5% of",
            "legitimate comments; with the 185 rows of short praise and thanks (and praise carrying a spam",
            "link or website) added to the blog examples, 83.6% at 2.6%; with the blog examples weighing 2",
            "(kept), 86.2% at 1.3%; with the website's signature (kept, below), the figures below. Features",
            "tried on it were not kept (below), and its figures are no longer blind:", "", *dev, "",
            "The same file as a new site that its moderators decide on: its first N comments (a fixed",
            f"shuffle) added to the base data as decisions (weight {DECISION_WEIGHT:g}), as a retraining",
            "adds them, and the retrained model measured on the rest:", "", *dev_curve, "",
            "Against the base model on the same rest, the decisions hold fewer legitimate comments (2 of",
            "161 against 6 after 100) and cost 0-3 points of spam held (a decision weighing 1 or 4 instead of",
            "2 moved that by at most a point when it was measured, before the website's signature), mostly",
            "flattery whose only link is the website field. A site whose spam is mostly of that kind can",
            "review every first comment (mode `first-time`)."]
    old_s, old_l, new_s, new_l = shout
    out += ["", "## Shouting and repeated characters", "",
            "The shouting and character-flood rules on all three files, every comment a first-time submission:",
            "",
            "| rule | spam held | legitimate held |", "|---|---:|---:|",
            f"| alone (before) | {pct(old_s)} | {pct(old_l)} |",
            f"| with a second signal (link, website or contact details; now) | {pct(new_s)} | {pct(new_l)} |",
            "", "Capitals, repeated letters, floods and `!!!` are features of the learned filter instead.", "",
            "## What changed the figures, and what was tried and not kept", "",
            "Measured by the same protocol (model alone, worst of the three videos, without the blog examples",
            "unless said). \"At most 2%\" is the share of spam held with a threshold chosen on the test video",
            "itself so that it holds at most 2% of its legitimate comments: not a result, the ceiling of a",
            "model's order.", "",
            "Kept, in order:", "",
            "- A link to the comment's own page (the video's address here, the article's on a site) is no",
            "  link: 87.7% held at 5.1%, ROC-AUC 0.974 (at most 2%: 80.0%), where the links readers quote to",
            "  the video itself made 88.1% at 7.4%.",
            "- Whose name a website comes under (`website:person`, `website:phrase`, `website:handle`): a",
            "  blog spammer signs the website field with the words it wants linked (\"Cheap Flights Deals\"),",
            "  a reader with their name; each word of the name but initials is looked up in",
            "  `service/moderation/given_names.txt` (3,900 given names of many languages, written for this",
            "  project without sight of any evaluation file; names that are also words of shop, service or",
            "  place names count only as the first word: \"Will Turner\", not \"Plumber Austin\"). Only comments",
            "  with a website have it, so the video figures at the top are unchanged.",
            "  On eval/blog_dev.csv, at the same thresholds, it holds more spam at as many legitimate",
            "  comments (0.76: 105 against 100 of 116 spam, 2 and 2 of 228 legitimate; 0.80: 102 against",
            "  95, 1 and 1), and with its own threshold 95.7% at 3.1% (website-only spam 78.9%, was 31.6%).",
            "  Its threshold is lower (0.656 against 0.760): the blog examples signed by a person score",
            "  lower out of fold, and they had set it. That costs legitimate comments with a link in the",
            "  text (dev 10.8%, was 5.4%). The earlier 0.760 owed something to the fold seed: with seeds",
            "  1-4 it was 0.71-0.73, the new one's 0.61-0.67. Trained with the blog examples, across",
            "  videos: worst 85.2% held at 2.9% (was 84.0% at 2.3%). On eval/blog_test.csv, written for",
            "  this and measured before and after: 62.4% at 6.9% against 51.2% at 5.1%. Looking up only",
            "  the name's first word held as much (dev 95.7% at 2.6%, blog_test.csv 63.2% at 6.9%); every",
            "  word is looked up so that a name written family name first (\"Tanaka Hiroshi\") counts as",
            "  a person's. A short comment with a website under a name the list lacks (\"Rea Der\",",
            "  \"Oakleaf Pottery\") now scores about 0.70 and is held; a longer one about 0.23.",
            "- A link to a host only public institutions can register (.gov, .edu, .mil, .int, gov.uk,",
            "  ac.jp...) is no link either (last, with everything below): the videos and the blog examples",
            "  have none, so the video figures are unchanged; on eval/blog_dev.csv it released the one",
            "  legitimate comment held for such a link (an NHTSA page; 0.9% held instead of 1.3%), and on",
            "  eval/blog_holdout.csv, measured afterwards, the two it held (3.0% instead of 3.9%). The idea came",
            "  from both files' lists of held comments; no spam in either links to such a host.",
            "- What a website sells (last): `service/moderation/spam_trades.txt` lists the trades comment spam",
            "  sells (pills, casinos, loans, essays, backlinks, replicas, local search spam...), matched as the",
            "  word lists match, in the website's address and, when it is no person's, the name it comes",
            "  under. As a feature (`website:sells`) alone it held little more: bland praise outweighs one",
            "  feature (eval/blog_test.csv 64.8% at 5.7%, website-only spam 42.7%; eval/blog_fresh.csv 73.8%",
            "  at 14.1%). As a rule that holds a first-time author's comment (`trade_website`, with the",
            "  feature kept, which released legitimate comments on three files), website-only spam held rose",
            "  on every file but eval/blog_dev.csv (whose spam it names the model held already), with no",
            "  legitimate comment more held: in the blog examples and the four files the list names a trade",
            "  for none of 238 legitimate websites (and for 147 of 254 spam ones). With the first list the",
            "  rule without the feature held as much spam (eval/blog_fresh.csv 90.0% against 89.2%) at one",
            "  or two more legitimate comments on each older file. The video figures are unchanged (no",
            "  websites).",
            "- Pieces of 4-6 characters across the space between two words (\"k out\", \"my chan\") beside the",
            "  pieces of 3-5 within words, and C 32 instead of 16: ROC-AUC 0.976 worst, 0.985 mean; at most",
            "  2%: 89.7% worst (Psy 92.0%, KatyPerry 89.7%, LMFAO 90.3%). Pieces of 4-7 across: at most 2%",
            "  90.3% worst, but they cost a submission more and held no more with the threshold below. The",
            "  threshold chosen out of fold for 2%, as before, held 88.1% at 8.0% with them.",
            "- The threshold chosen for half the allowed share out of fold (`OUT_OF_FOLD_SHARE`): out-of-fold",
            "  scores share their source's words with the folds that score them, so on a new video a",
            "  threshold for 2% out of fold held 4.6-8.0% of legitimate comments. For 1%: 0.6-2.3%, with",
            "  the figures above. For 1.25% or 1.5% of the allowed 2%, after 100 decisions 2.4%.",
            "  The thresholds each video would need for 2% differ too much (0.76, 0.65 and 0.25 on one",
            "  model's scale) for any threshold chosen on the training data to meet 90% at 2% on all three.",
            "- Pieces of 3-4 characters within words and 5-6 across (instead of 3-5 and 4-6): the same worst",
            "  spam held (86.0%) at 1.7% legitimate held instead of 2.3%, ROC-AUC 0.979 worst, 0.986 mean;",
            "  at most 2%: 90.3% worst (Psy 90.9%, KatyPerry 91.4%, LMFAO 90.3%); and a fifth fewer features",
            "  per comment (202 against 256 on the corpus, nearly all pieces) to build and look up. Other",
            "  sizes measured in the same sweep (worst spam / legitimate held, features per comment): 3 within",
            "  and 5-6 across 86.0% / 2.3%, 162; 3 and 4-6 85.6% / 2.3%, 187; 3-4 and 4-5 86.0% / 2.3%,",
            "  181; 3-4 and 4-6 86.3% / 2.3%, 227; 3-5 and 4-5 or 6 86.4% at 3.4% or 4.0%. Not kept with",
            "  these sizes: pieces of the author name's words as well (3 or 3-4 characters: worst 86.0% held",
            "  at 2.3%, mean 89.2-89.6%, ROC-AUC 0.980-0.981); a table of 8,000 or 6,000 weights instead of",
            "  12,000 (8,000: the same worst figures, mean 88.1%; 6,000: mean 87.5%, and the blog-trained",
            "  model held 2.3% of legitimate comments at worst).", "",
            "What holds the worst video back: 26 of the 33 spam comments LMFAO's test lets through ask for",
            "likes (\"Like this comment if you're watching in 2015\", \"Thumbs up if...\", \"give it a like\") or",
            "are YouTube's share text (\"Check out this video on YouTube:\"). The two training videos have",
            "almost none of them, and LMFAO's own legitimate comments include three of the same kind",
            "(\"Thumbs up if you watched it in 2011\"), the two that score highest among them: the videos'",
            "labellers drew the line differently, and no threshold chosen on the other two can follow it.", "",
            "Tried with the pieces across words and not kept: across pieces of 3-5 (at most 2%: 87.4%) or",
            "5-8 (88.6%, and 88.6% held at 7.4% out of fold for 2%); word trigrams (81.7%); every piece of",
            "4-7 characters plus pieces of 3 within words (the blog-trained model held 45.3% of LMFAO's",
            "spam); no pieces of 3 (83.4% held at 2.3%, against 86.0% at 2.3%); pieces of the raw text",
            "with its punctuation, 2-5 or 3-6 characters (at most 2%: 82.3%, 82.9%); C 8 (86.9%); the",
            "scaling floor (MIN_SCALE_FEATURES) 100 or 150 at C 32 (89.7%, 88.6%).", "",
            "Tried with the kept sizes, each as features added to the kept ones, and not kept (worst spam",
            "held / worst legitimate held; at most 2%, worst): digits as a class (`2015` and `2011` one",
            "feature) 86.4% / 1.7%, 89.8% (mean 88.1%); each symbol (★, ♥, ☞...) a feature 86.0% / 1.7%,",
            "90.3% (mean 88.5%); the first two words apart 86.0% / 2.3%, 90.7% (mean 89.4%); the last two",
            "86.0% / 1.7%, 90.3% (mean 88.5%). None moves the worst video's spam held.", "",
            "Other learners on the kept features, the threshold chosen as kept (worst spam held / worst",
            "legitimate held; at most 2%, worst). A linear SVM (squared hinge, C 0.25-1) orders the",
            "comments better (at most 2%: 89.4-91.5%; mean spam held 89.6-91.0%), but its threshold",
            "transfers worse: 86.4-87.3% / 2.3-2.9%; with the threshold for 40% or 30% of the allowed",
            "share out of fold (C 0.7), 86.9% / 2.3% and 82.9% / 1.7%. The sum of its margin (three",
            "tenths) and the logistic regression's (seven tenths), each divided by its spread on the",
            "training data (still one table of weights): 86.4% / 1.7% (mean 89.4%, against 88.3%; at most",
            "2%: 91.1%); trained with the blog examples 85.6% / 2.9% (kept: 85.2% / 2.9%, KatyPerry's",
            "legitimate held 2.9% against 2.3%); on the blog files within a comment or two of the kept",
            "model (eval/blog_holdout.csv 88.3% at 3.5%, against 87.5% at 3.9%) and one or two more",
            "legitimate comments held on the blog learning curve. Not kept: half a point on the worst",
            "video for a second learner in every training run and a score scale of its own.", "",
            "The served model as the mean of the five fold models that score out of fold (bagging, so that",
            "the model and the scores its threshold comes from are alike), whole pipeline: with the",
            "threshold for 1% out of fold, 86.0% held at 1.7% at worst (mean 87.3%, against 88.3%); for",
            "1.5%, 86.9% at 5.1%; for 2%, 87.3% at 6.9%. Not kept: its scores on a new source sit as far",
            "above its out-of-fold scores as the model fitted on everything does.", "",
            "Each training source, and each class within it, weighing the same (the per-site weighting a",
            "retrain could use): without the blog examples 1-3 points more of Psy's and KatyPerry's spam held",
            "at the same false holds, LMFAO's unchanged, over four fold seeds; with them, as the shipped model",
            "is built, the 344 blog examples weigh as much as a video and LMFAO's spam held fell to 44-83%",
            "in three fold seeds. Not kept. Those runs also show how much the threshold owes to the folds",
            "that choose it: with the blog examples, the fold seed alone moves LMFAO's spam held between 73%",
            "and 85% (and KatyPerry's legitimate held between 1.1% and 2.9%); the figures above are for the",
            "fixed seed the shipped model uses. Without the blog examples (the table at the top) the seed",
            "matters less: with fold seeds 1, 2, 3 and 4 the worst video's spam held is 85.7%, 86.9%,",
            "86.3% and 86.3%, at 1.1-1.7% of legitimate comments held at worst.", "",
            "The blog examples weighing 2 video comments each (`BLOG_WEIGHT`) in the shipped model, kept:",
            "on eval/blog_dev.csv 86.2% of spam held at 1.3% of legitimate comments (weighing 1: 83.6% at",
            "2.6%; 3: 87.1% at 1.3%); across videos, trained with the blog examples, 84.0% held at worst",
            "(weighing 1: 82.2%; 3: 82.6%).", "",
            "244 blog comments with a useful link (162 legitimate: government, standards, docs, news, shops,",
            "own blogs; 82 spam) added to the blog examples, not kept: on eval/blog_dev.csv they held",
            "77.6-85.3% of spam at 0.0% of legitimate comments (blog weight 1-3), half of them 87.1% at",
            "0.4%; but across videos, trained with the blog examples, the threshold rose to 0.76-0.85 and",
            "LMFAO's spam held fell to 33-45% (kept: 84.3%): a model that forgives links forgives the",
            "videos' channel links too.", "",
            "268 more blog examples whose only link is the website field (154 spam: praise from \"Best",
            "Roofing Contractor\" with its site; 114 legitimate: readers with their own blog, shop or profile),",
            "not kept. With the threshold chosen as now, on all the training examples, they held 73.7% of",
            "eval/blog_dev.csv's website-only spam (kept: 31.6%) but the blog-trained model held 42.8% of",
            "LMFAO's spam (threshold 0.84-0.89). With the threshold chosen on the comments as they came only",
            "(the videos and, retraining, the decisions; not the written blog examples, which sit near the",
            "line by design): eval/blog_dev.csv 92.2% held at 0.9%, across videos trained with the blog",
            "examples 84.0% held at 1.7% at worst, and on eval/blog_holdout.csv 75.8% at 3.0% (measured",
            "once, to see; it chose nothing). Not kept, for two reasons: that threshold, 0.80 with the fixed",
            "fold seed, is 0.66-0.72 with fold seeds 1-4, so the figures owe much to the seed; and on the",
            "blog learning curve the decisions then took the false holds to 3.1-5.7% (the threshold fell to",
            "0.66-0.69 once decisions joined the examples that set it). With each out-of-fold score the",
            "mean of three fold seeds', the threshold is 0.70 and eval/blog_dev.csv's legitimate comments",
            "held 3.5%, 4.3-5.2% after decisions: the videos' legitimate comments alone set it too low for",
            "a blog. (The same mean without the blog examples: worst video 86.3% held at 1.7%, against",
            "86.0%.)", "",
            "Tried on eval/blog_dev.csv for the spam whose only link is the website field (flattery from",
            "\"Cheap Flights Deals\" with cheapflightsdeals.top as its website), each beside the kept features,",
            "the shipped model rebuilt, and not kept (website-only spam held; all spam held / legitimate",
            "held). With the blog examples weighing 1, where the model without them holds 26.3% (5 of 19):",
            "pieces of 4, 5 or 4-5 characters of the website's name 21.1%, 83.6-84.5% / 2.6-3.1%; the author",
            "name's words found in the website's name (two or more; or one) 21.1%, 82.8% / 2.6-3.1%; pieces",
            "of 4 characters of the author name's words, with or without the website's, 15.8%, 85.3% /",
            "3.9-4.4%. Across videos, trained with the blog examples, the website's pieces held up to 1.7",
            "points more of a video's spam, the author name's up to 4.0 points more (KatyPerry) at 2.3% of",
            "legitimate comments held (1.7% without). With them weighing 2, as kept (31.6%): the website's",
            "name read as text (its pieces and words counted as the body's, to borrow their weights) 15.8%;",
            "the author name's words counted as the body's 26.3%, holding 13.5% of legitimate comments with",
            "a link (kept: 8.1%); a website on one of 50 TLDs known for abuse (.xyz, .top, .shop...) as one",
            "feature, and the same for links, 26.3%, holding 3.5% of all legitimate comments (kept: 1.3%).",
            "(All before the website's signature, which took it to 78.9%, kept above.)", "",
            "Tried with the website's signature and not kept: how deep a link in the text points (the site's",
            "root, one segment, deeper) as a feature. In eval/blog_dev.csv and the blog examples nearly every",
            "spam link points to a site's root and nearly every legitimate one deeper; in the videos spam",
            "links point deep (channels, playlists). On eval/blog_dev.csv at its own threshold (0.659) it held",
            "111 of 116 spam at 8 of 228 legitimate (kept: 111 at 7); at 0.80, 106 at 0 (kept: 102 at 1). No",
            "gain at the threshold the model chooses, and the depths are those of written examples.", "",
            "Tried with the website's signature and not kept: a site's comments as a domain of their own",
            "(each feature of a blog example or a moderator's decision also counted as a copy only such",
            "comments have, with an intercept of their own; a site's model the sum of the shared weights and",
            "the copies), so that the copies learn where a blog differs from the videos. With the blog",
            "examples and the decisions as the site's: on the blind files eval/blog_test.csv 59.2% held at",
            "4.0% (kept: 62.4% at 6.9%), eval/blog_holdout.csv 79.2% at 2.2% (80.0% at 4.3%), eval/blog_dev.csv",
            "95.7% at 0.0% (95.7% at 3.1%); but trained with the blog examples, across videos, 79.4% / 74.9% /",
            "30.1% of the videos' spam held (kept: 92.0% / 87.4% / 85.2%): the site's intercept passes",
            "self-promotion that has none of the blog examples' signs (\"Sub my channel!\", \"Get free gift",
            "cards and pay pal money!\", LMFAO's share text). The copies weighing half or 0.3 as much: LMFAO",
            "32% and 41%. Copies of link, website and style features only, no intercept of their own: more",
            "spam held at more false holds (eval/blog_test.csv 70.4% at 7.4%, eval/blog_holdout.csv 82.5% at",
            "5.2%; LMFAO 76.7%). With only the decisions as the site's (the base model unchanged): after",
            "25 / 50 / 100 / 200 decisions on a video, worst 90.8% / 88.2% / 90.2% / 89.6% held at 1.9% /",
            "1.3% / 1.6% / 2.7% (kept: 87.7% / 88.2% / 90.7% / 89.7% at 1.9% / 2.0% / 1.6% / 2.7%), but on",
            "eval/blog_dev.csv after 25 / 50 / 100 decisions 78.9% / 83.2% / 86.7% at 0.0% (kept: 94.5% /",
            "95.0% / 92.8% at 1.4% / 2.1% / 1.2%): a few decisions' copies pull down the rest's spam too.", "",
            "Tried with what a website sells and not kept: links to 95 reference sources (encyclopedias,",
            "standards bodies, the documentation of major software projects, wire services, public",
            "broadcasters and newspapers of record, health bodies outside government names, archives; hosts",
            "where anyone can publish left out) as no link, as a link to a public institution is none. Most",
            "of the blog examples' legitimate links point to such sources, so without them the links left",
            "weigh more: eval/blog_fresh.csv 85.4% held at 14.7% (without: 87.7% at 14.1%), eval/blog_holdout.csv",
            "88.3% at 5.2% (87.5% at 3.9%), eval/blog_dev.csv 95.7% at 1.8% (95.7% at 2.6%); across videos,",
            "trained with the blog examples, LMFAO's spam held 83.5% (85.2%).", "",
            "What lifts the legitimate comments with a link in the text over the threshold on the blog files",
            "(37 of them on eval/blog_fresh.csv, eval/blog_holdout.csv and eval/blog_test.csv) is mostly the",
            "pieces of the address's own syntax (' htt', 'http', ' www', 'com '): about 2.0 of the 2.5 that",
            "pieces add to their score on average, against 0.35 for the count of links. Tried and not kept:",
            "the words of typed addresses as words without pieces (the prose alone cut into pieces) held",
            "fewer of those (eval/blog_fresh.csv 82.3% at 8.2%, eval/blog_holdout.csv 82.5% at 2.2%,",
            "eval/blog_test.csv 82.4% at 5.1%, eval/blog_dev.csv 94.0% at 1.8%) but less spam too, and across",
            "videos 86.4% held at 3.4% at worst (KatyPerry's legitimate comments). As a kind of their own",
            "(`u:`): 86.0% at 3.4%; without the scheme, www and com (the rest of the address cut as prose):",
            "83.4% at 3.4%; dropped altogether: 84.6% at 4.0%. In the videos an address's pieces are",
            "spam's clearest sign.", "",
            "Nor a link as the only sign, tried and not kept: not holding a comment with a link whose text",
            "without its addresses scores under a tenth, a quarter or half of the threshold (the link alone",
            "made it spam) held eval/blog_fresh.csv's spam 87.7%, 84.6%, 76.9% at 9.4%, 7.1%, 5.3% of its",
            "legitimate comments (kept: 88.5% at 14.1%; eval/blog_holdout.csv 85.0-61.7% at 1.7-0.9%), but",
            "of the videos' spam Psy 68.6-64.6% and KatyPerry 69.7-57.1% (kept: 88.6%, 90.3%), at the same",
            "legitimate held: their spam with a link says little else.", "",
            "Tried before the pieces across words (with the own-page rule) and not kept:", "",
            "- The words of the article's title mapped to one \"mentions the title\" word: 87.3% at 5.1%, ROC-AUC",
            "  0.975 (mean 91.0% at 3.0%, against 91.7% at 3.4%): no clear gain for one more input.",
            "- Words inside URLs as a kind of their own, without word pieces: 88.1% at 6.3%, ROC-AUC 0.971;",
            "  left out: 88.1% at 6.3%, 0.968. Word pieces of 2-5 or 3-4 letters instead of 3-5: 88.1% at",
            "  9.1%, 88.1% at 6.9%.",
            "- Other learners on the same features: naive-Bayes-weighted logistic regression (C 1-16) 86.9-87.3%",
            "  at 10.3-12.6%; L1 regularisation (C 16, 64) 86.0% at 7.4%, 85.7% at 5.1%; averaged SGD on",
            "  log loss 87.7% at 6.3%; no class balancing 87.3% at 5.1%.",
            "- After 100 decisions, a threshold for 1% or 0.5% out of fold: 88.6% and 85.7% held at 2.4%; the",
            "  new source's legitimate decisions weighing up to 1000 times more in the threshold: 89.4% at 2.4%.",
            "",
            "Before the own-page rule (then kept: 88.1% held at 7.4%, ROC-AUC 0.974):", "",
            "- Threshold from out-of-fold scores grouped by source (each training video, and the blog examples,",
            "  left out in turn): it carries the cross-video gap into the threshold, which rises to 0.64-0.99;",
            "  worst 42.4% held at 6.9%, with the blog examples 12.7% at 0.6%.",
            "- A threshold for 1% instead of 2% out of fold: worst 86.4% held at 5.7%.",
            "- C (inverse regularisation) 4 or 64 instead of 16: 64 holds 89.4% at 7.4%, but the blog-trained",
            "  model 82.6% at 5.7% (16: 83.1% at 5.7%); 4 holds 88.1% at 9.7%, its blog-trained model 44.9%.",
            "- Features seen once (MIN_COUNT 1) or three times kept: 87.7% at 9.1%, 88.1% at 7.4%.",
            "- Shorter-comment scaling floor (MIN_SCALE_FEATURES) 20 or 120 instead of 60: 88.1% at 9.7%,",
            "  87.7% at 7.4%.",
            "- Without the words inside URLs (`https`, `com`): 88.6% at 7.4%, but a worse order (ROC-AUC",
            "  0.967), and trained with the first 160 blog examples it held 43.6% of LMFAO's spam. Without",
            "  the link count: 89.0% at 8.0%. Without author-name, length or two-word features: no better.",
            "  Without word pieces: 83.5%, and the blog-trained model holds 33.1%.",
            "- Blog examples weighted 2, 3 or 4: the blog-trained model's worst goes from 83.1% at 5.7% to",
            "  83.9-84.7% at 5.1%, but its worst ROC-AUC drops from 0.965 to 0.960-0.962.",
            "- After 100 decisions on the new source (model alone; the kept way: 90.2% held at 3.1%): a",
            "  threshold chosen on the decisions' own out-of-fold scores, 82.9% at 0.8%; halfway between that",
            "  one and the usual one, 87.8% at 2.4%; decisions weighted 8 instead of 2, 91.1% at 2.4%.",
            "- Only features seen in at least two training sources (a new source's legitimate comments lack",
            "  their video's own words, so out-of-fold scores then look like a new source's): worst 87.3% held",
            "  at 4.6%, ROC-AUC 0.977 (mean 88.5% at 2.6%, against 92.0% at 4.9%); with the blog examples",
            "  as a source, LMFAO's spam held falls to 45.3%; with the blog examples' features all kept, the",
            "  blog-trained model holds 82.6% at 4.0% at worst, ROC-AUC 0.969 (kept: 83.1% at 5.7%, 0.965).",
            "",
            "Before the pieces across words, a threshold chosen on the test video itself held 80-90% of spam",
            "at 2% of legitimate comments: then the model's order, not only its threshold, kept the target",
            "out of reach.", ""]
    (ROOT / "eval" / "RESULTS.md").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
