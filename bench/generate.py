"""Write a site of N generated French-like posts, seeded, for the benchmark.

Each post has headings, paragraphs, a list, links (to the web and to other posts), sometimes a
fenced code block; 1 to 5 tags from a pool of 200; one of 12 topics; a date over ten years.
The same seed gives the same site, byte for byte.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = (
    "santé données patient médecin hôpital cabinet logiciel dossier partagé ordonnance télésanté "
    "consultation sécurité réseau messagerie sécurisée pharmacie infirmière remboursement assurance "
    "maladie numérique plateforme rendez-vous vaccination dépistage imagerie radiologie laboratoire "
    "biologie interopérabilité identifiant carte vitale lecteur télétransmission feuille soins "
    "prescription électronique innovation start-up levée fonds agence ministère réforme décret "
    "confidentialité consentement hébergement certifié cybersécurité rançongiciel sauvegarde chiffrement "
    "application mobile objet connecté suivi chronique diabète cardiologie oncologie pédiatrie urgence"
).split()
TOPICS = [("politique", "Politique du numérique"), ("cyber", "Cybersécurité"), ("covid", "Covid-19"),
          ("logiciels", "Logiciels médicaux"), ("materiel", "Matériel"), ("donnees", "Données de santé"),
          ("startup", "Start-up"), ("hopital", "Hôpital"), ("pharmacie", "Pharmacie"),
          ("telesante", "Télésanté"), ("recherche", "Recherche"), ("formation", "Formation")]
TAGS = [f"{WORDS[i % len(WORDS)].capitalize()} {i // len(WORDS) + 1}" for i in range(200)]
START = datetime(2015, 1, 1, 8, tzinfo=timezone(timedelta(hours=1)))


def sentence(rng: random.Random, words: int) -> str:
    """Give a sentence of French-like words."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", " !", " ?"])


def paragraph(rng: random.Random) -> str:
    """Give a paragraph of three to six sentences, sometimes with a link."""
    sentences = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.3:
        sentences.append(f"Voir [le site officiel](https://example.org/{rng.choice(WORDS)}).")
    return " ".join(sentences)


def body(rng: random.Random, number: int) -> str:
    """Give a post body: sections with paragraphs, a list, sometimes code and a link to an older post."""
    parts = [paragraph(rng)]
    for section in range(rng.randint(2, 4)):
        parts.append(f"## {sentence(rng, 4)[:-1]}")
        parts += [paragraph(rng) for _ in range(rng.randint(1, 3))]
        if section == 0:
            parts.append("\n".join(f"- {sentence(rng, 5)}" for _ in range(rng.randint(2, 5))))
    if rng.random() < 0.2:
        parts.append("```python\nfor patient in patients:\n    print(patient.identifiant)\n```")
    if number > 0 and rng.random() < 0.3:
        parts.append(f"Lire aussi [un article précédent](article-{rng.randrange(number):05d}.md).")
    return "\n\n".join(parts) + "\n"


def write_site(root: Path, count: int, seed: int = 1) -> None:
    """Write site.yaml and `count` posts under `root`."""
    rng = random.Random(seed)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    topics = "\n".join(f"  {slug}:\n    title: {title}\n    description: Les articles sur {title.lower()}."
                       for slug, title in TOPICS)
    (root / "site.yaml").write_text(
        "title: Banc d’essai\ndescription: Un site généré pour mesurer le générateur.\n"
        "base_url: https://bench.example.org\nlanguage: fr\ntimezone: Europe/Paris\n"
        f"default_author: La rédaction\nposts_per_page: 10\nfeed_length: 20\ntopics:\n{topics}\n", "utf-8")
    span = 10 * 365 * 24 * 3600
    for number in range(count):
        # Spread over ten years, in order, each post later than the one before.
        date = START + timedelta(seconds=span * number // max(count, 1) + rng.randrange(3600))
        tags = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, rng.randint(1, 5)))
        title = sentence(rng, rng.randint(4, 9))[:-1]
        (posts / f"article-{number:05d}.md").write_text(
            f"---\ntitle: \"{title} ({number})\"\ndate: {date.isoformat()}\ntopic: {rng.choice(TOPICS)[0]}\n"
            f"tags: [{tags}]\nsummary: \"{sentence(rng, 15)}\"\n---\n\n{body(rng, number)}", "utf-8")


def benchmark_site(work: Path, posts: int) -> Path:
    """Give the benchmark's site of `posts` posts, WORK/site-N, written first if it is not there
    (the scripts share it: the same seed gives the same posts)."""
    site = work / f"site-{posts}"
    if not (site / "site.yaml").is_file():
        write_site(site, posts)
    return site


def main() -> None:
    """Parse the command line and write the site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_site(args.folder, args.posts, args.seed)


if __name__ == "__main__":
    main()
