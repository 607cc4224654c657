#!/usr/bin/env python3
"""Generate a deterministic corpus of French-typography Markdown posts.

Usage:
    generate_corpus.py N DIR [--hugo DIR2]

Writes N posts of about 2 KB of Markdown each to DIR/posts/YYYY/<slug>.md with
Herald front matter (title, date "YYYY-MM-DD HH:MM" in Europe/Paris local time,
author, tags). With --hugo, also writes the same posts (identical bodies) to
DIR2/content/posts/<slug>.md with Hugo front matter (date as RFC 3339 with the
Europe/Paris offset of that instant).

The output depends only on N: the generator uses random.Random(42) and never
reads the clock, so the same N always gives byte-identical files. Before
writing, the generator removes its own output folders (DIR/posts and
DIR2/content/posts) if they exist, so that a smaller N never leaves stale
posts behind; nothing else in DIR or DIR2 is touched.

Only the Python standard library is used (zoneinfo needs the system tz
database, /usr/share/zoneinfo, which Debian's tzdata provides).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import unicodedata
from zoneinfo import ZoneInfo

NBSP = "\u00a0"
APOS = "\u2019"
PARIS = ZoneInfo("Europe/Paris")

# 30 fixed tags: some with accents, some with "&".
TAGS = [
    "Politique", "Économie", "Élus & Entreprises", "Culture", "Société",
    "Santé", "Éducation", "Environnement", "Énergie", "Transports",
    "Numérique", "Sciences", "Justice", "Sécurité", "Sports",
    "Agriculture", "Logement", "Emploi", "Europe", "International",
    "Régions", "Patrimoine", "Musées & Expositions", "Cinéma", "Littérature",
    "Gastronomie", "Vie associative", "Recherche & Innovation", "Médias", "Tourisme",
]
assert len(TAGS) == 30 and len(set(TAGS)) == 30

# 8 authors.
AUTHORS = [
    "Anaïs Lefèvre", "Benoît Château", "Chloé Dubœuf", "François Mériadec",
    "Héloïse Garçon", f"Jérôme N{APOS}Diaye", "Noémie Brûlé", "Loïc Le Goff",
]

# Dates are spread uniformly over 2015-01-01 .. 2026-09-30 (all in the past for
# the tools, which do not publish future posts), at local times 07:00-22:59,
# which avoids the DST gaps and overlaps of Europe/Paris (02:00-03:00).
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2026, 9, 30)

SUBJECTS = [
    "la maire", "le conseil municipal", "la préfète", "le syndicat des élèves",
    "la députée", "le ministre de l’Économie", "l’association des riverains",
    "la rédaction", "le comité d’entreprise", "la sœur du fondateur",
    "l’équipe de recherche", "le président de région", "la chambre d’agriculture",
    "le collectif « Cœur de ville »", "la fédération sportive", "l’orchestre régional",
    "le musée des Beaux-Arts", "la directrice de l’hôpital", "le procureur",
    "l’œnologue", "la compagnie de théâtre", "le maître d’œuvre",
]
VERBS = [
    "annonce", "présente", "défend", "critique", "prépare", "dévoile",
    "reporte", "soutient", "conteste", "inaugure", "réclame", "évalue",
    "finance", "relance", "suspend", "célèbre", "négocie", "détaille",
]
OBJECTS = [
    "un projet de rénovation thermique", "le budget de l’année prochaine",
    "une consultation publique", "le plan vélo", "la réforme des retraites",
    "un festival d’été", "la fermeture d’une usine", "une nouvelle ligne de tramway",
    "le chantier de la cathédrale", "un manifeste pour la forêt",
    "l’œuvre complète d’un poète oublié", "la hausse des loyers",
    "une étude sur la qualité de l’eau", "les vœux aux habitants",
    "le partenariat Élus & Entreprises", "la manœuvre de dernière minute",
    "un accord de coopération franco-allemand", "la réouverture de la piscine",
    "une exposition consacrée à l’Art déco", "les résultats du bac",
    "le schéma régional R&D", "une pétition « Sauvons la gare »",
]
COMPLEMENTS = [
    "malgré les réserves de l’opposition", "après des mois de négociations",
    "devant une salle comble", "à la surprise générale", "dès la rentrée",
    "sans attendre l’avis du Conseil d’État", "pour la troisième année consécutive",
    "avec le soutien de l’État & des collectivités", "au grand dam des commerçants",
    "en présence de nombreux élus", "jusqu’à nouvel ordre", "d’ici à l’été",
    "à la suite d’un long débat", "après un été caniculaire",
]
QUOTES = [
    "c’est une étape décisive", "nous n’avons pas le choix", "rien n’est joué",
    "la ville mérite mieux", "ce n’est qu’un début", "il faut garder le cap",
    "l’œuvre collective prime", "chacun doit prendre ses responsabilités",
    "on ne lâchera rien", "la transparence n’est pas négociable",
    "c’est un vœu pieux", "le cœur du problème reste le financement",
]
CONNECTORS = [
    "Par ailleurs,", "En outre,", "Selon nos informations,", "De son côté,",
    "Pour autant,", "À l’inverse,", "Dans le détail,", "En définitive,",
    "Côté finances,", "Quoi qu’il en soit,",
]
EMPHASIS = [
    "primordial", "inédit", "très attendu", "décisif", "controversé",
    "symbolique", "ambitieux", "fragile",
]
HEADINGS = [
    "Ce qu’il faut retenir", "Les réactions", "Un calendrier serré",
    "Le contexte", "Et maintenant ?", "Les chiffres clés", "Repères",
    "Ce que dit la loi", "Côté œuvres", "Questions & réponses",
]
LIST_ITEMS = [
    "une enveloppe de 2,5 millions d’euros", "trois réunions publiques",
    "un calendrier sur cinq ans", "la création de vingt emplois",
    "un comité de suivi citoyen", "des travaux à l’été", "une œuvre commandée à un artiste local",
    "le recrutement d’un chargé de mission", "la gratuité pour les moins de 18 ans",
    "un bilan d’étape à l’automne", "des pistes cyclables sécurisées",
    "la rénovation de l’école élémentaire", "un label « Ville d’art & d’histoire »",
]
CODE_SPANS = [
    "herald build", "config.json", "SELECT * FROM élus;", "git log --oneline",
    "posts/2021/", "a && b", "x < y",
]
LINK_TEXTS = [
    "le communiqué officiel", "notre précédent article", "le rapport complet",
    "la délibération", "le site de la préfecture", "l’enquête publique",
]
LINK_HOSTS = [
    "https://www.exemple.fr", "https://mairie.exemple.org", "https://journal.exemple.net",
]
TITLE_PREFIXES = ["", "", "", "Entretien : ", "Analyse : ", "Reportage : ", "Tribune : "]

TARGET_BYTES = 2048


def guillemets(text: str) -> str:
    """« text » with no-break spaces inside, as French typography wants."""
    return f"«{NBSP}{text}{NBSP}»"


def fix_typography(text: str) -> str:
    """Typographic apostrophe and the no-break space before : ; ! ?"""
    text = text.replace("'", APOS)
    text = text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")
    for mark in ":;!?":
        text = text.replace(" " + mark, NBSP + mark)
    return text


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def slugify(text: str) -> str:
    """Lowercase ASCII, diacritics folded, other runs of characters -> one '-'."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out, dash = [], False
    for ch in folded.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar. JSON strings are valid YAML double-quoted
    scalars (\\" \\\\ and \\uXXXX escapes); non-ASCII stays literal."""
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(yaml_str(i) for i in items) + "]"


class Generator:
    def __init__(self, seed: int = 42) -> None:
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        r = self.rng
        s = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(COMPLEMENTS)}"
        roll = r.random()
        if roll < 0.25:
            s = f"{r.choice(CONNECTORS)} {s}"
        if roll > 0.7:
            s += f", estimant que {guillemets(r.choice(QUOTES))}"
        return fix_typography(capitalize(s) + r.choice([".", ".", ".", " !", " ?"]))

    def paragraph(self, extra: str = "") -> str:
        r = self.rng
        sentences = [self.sentence() for _ in range(r.randint(2, 4))]
        if r.random() < 0.5:
            i = r.randrange(len(sentences))
            word = r.choice(EMPHASIS)
            mark = r.choice(["*", "_", "**"])
            sentences[i] = sentences[i][:-1].rstrip(NBSP) + f", un pas {mark}{word}{mark}."
        if extra:
            sentences.insert(r.randint(0, len(sentences)), extra)
        return " ".join(sentences)

    def link_sentence(self, slug: str) -> str:
        r = self.rng
        host = r.choice(LINK_HOSTS)
        text = r.choice(LINK_TEXTS)
        return fix_typography(f"On peut lire [{text}]({host}/actualites/{slug}) pour en savoir plus.")

    def code_sentence(self) -> str:
        return f"La commande `{self.rng.choice(CODE_SPANS)}` a été citée en séance."

    def title(self) -> str:
        r = self.rng
        core = f"{capitalize(r.choice(SUBJECTS))} {r.choice(VERBS)} {r.choice(OBJECTS)}"
        roll = r.random()
        if roll < 0.25:
            core += f" : {guillemets(r.choice(QUOTES))}"
        elif roll < 0.32:
            # Now and then a title with ASCII double quotes, which the YAML
            # double-quoted scalar must escape (\").
            core += f" — le mot \"{r.choice(EMPHASIS)}\" fait débat"
        return fix_typography(r.choice(TITLE_PREFIXES) + core)

    def body(self, slug: str) -> str:
        r = self.rng
        blocks: list[str] = [self.paragraph()]
        items = r.sample(LIST_ITEMS, r.randint(3, 5))
        list_block = "\n".join("- " + capitalize(fix_typography(i)) + NBSP + ";" for i in items[:-1])
        list_block += "\n- " + capitalize(fix_typography(items[-1])) + "."
        blocks.append(fix_typography("Le projet prévoit :") + "\n\n" + list_block)
        heading = f"## {fix_typography(r.choice(HEADINGS))}" if r.random() < 0.4 else None
        if heading:
            blocks.append(heading)
        blocks.append(self.paragraph(extra=self.link_sentence(slug)))
        if r.random() < 0.3:
            blocks.append(self.paragraph(extra=self.code_sentence()))
        while len("\n\n".join(blocks).encode("utf-8")) < TARGET_BYTES - 250:
            blocks.append(self.paragraph())
        return "\n\n".join(blocks) + "\n"

    def when(self) -> dt.datetime:
        r = self.rng
        day = FIRST_DAY + dt.timedelta(days=r.randint(0, (LAST_DAY - FIRST_DAY).days))
        return dt.datetime(day.year, day.month, day.day, r.randint(7, 22), r.randrange(0, 60))

    def posts(self, n: int):
        seen: set[str] = set()
        for i in range(1, n + 1):
            title = self.title()
            base = slugify(title)[:60].rstrip("-")
            slug = f"{base}-{i:05d}"
            assert slug not in seen
            seen.add(slug)
            when = self.when()
            author = self.rng.choice(AUTHORS)
            # One tag in turn (so that every tag has about N/30 posts or more,
            # and each tag feed is full at N = 1000) plus 0-2 random others.
            first = TAGS[(i - 1) % len(TAGS)]
            others = [t for t in TAGS if t != first]
            tags = [first] + self.rng.sample(others, self.rng.randint(0, 2))
            self.rng.shuffle(tags)
            body = self.body(slug)
            yield {"slug": slug, "title": title, "date": when, "author": author,
                   "tags": tags, "body": body}


def herald_front_matter(post: dict) -> str:
    return (
        "---\n"
        f"title: {yaml_str(post['title'])}\n"
        f"date: {post['date'].strftime('%Y-%m-%d %H:%M')}\n"
        f"author: {yaml_str(post['author'])}\n"
        f"tags: {yaml_list(post['tags'])}\n"
        "---\n"
    )


def hugo_front_matter(post: dict) -> str:
    local = post["date"].replace(tzinfo=PARIS)
    stamp = local.isoformat(timespec="seconds")  # 2021-04-03T09:15:00+02:00
    # Hugo (0.111 as in newer versions) puts front-matter keys it does not
    # know, such as author, into the page's .Params.
    return (
        "---\n"
        f"title: {yaml_str(post['title'])}\n"
        f"date: {stamp}\n"
        f"author: {yaml_str(post['author'])}\n"
        f"tags: {yaml_list(post['tags'])}\n"
        "---\n"
    )


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(n: int, out_dir: str, hugo_dir: str | None = None) -> int:
    """Write the corpus; returns the number of posts written."""
    posts_dir = os.path.join(out_dir, "posts")
    shutil.rmtree(posts_dir, ignore_errors=True)
    hugo_posts = None
    if hugo_dir:
        hugo_posts = os.path.join(hugo_dir, "content", "posts")
        shutil.rmtree(hugo_posts, ignore_errors=True)
        os.makedirs(hugo_posts)
    count = 0
    made_years: set[int] = set()
    for post in Generator(42).posts(n):
        year = post["date"].year
        year_dir = os.path.join(posts_dir, f"{year:04d}")
        if year not in made_years:
            os.makedirs(year_dir, exist_ok=True)
            made_years.add(year)
        write(os.path.join(year_dir, post["slug"] + ".md"), herald_front_matter(post) + post["body"])
        if hugo_posts:
            write(os.path.join(hugo_posts, post["slug"] + ".md"), hugo_front_matter(post) + post["body"])
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, metavar="N", help="number of posts")
    parser.add_argument("dir", metavar="DIR", help="writes DIR/posts/YYYY/<slug>.md")
    parser.add_argument("--hugo", metavar="DIR2",
                        help="also write DIR2/content/posts/<slug>.md with Hugo front matter")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")
    count = generate(args.n, args.dir, args.hugo)
    print(f"wrote {count} posts to {os.path.join(args.dir, 'posts')}"
          + (f" and {os.path.join(args.hugo, 'content', 'posts')}" if args.hugo else ""),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
