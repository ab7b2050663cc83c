#!/usr/bin/env python3
"""Generates the demo dataset that rec ships in Data/demo (seeded: the same files every run).

Movies get short plots written from genre vocabularies; users have tastes for a few genres
and an activity level; a user rates a movie in proportion to the movie's popularity and
to how well its genres match the user's taste, so a movie's plot says something about who
likes it: content visibly helps on cold items. Files use the original MovieLens 100K
formats (u.data, u.item, u.genre) plus plots.tsv (movieId<TAB>plot), so everything that
reads the real data reads these.

Usage: python3 scripts/make-demo-data.py [OUT_DIR]   (default Data/demo)
"""
import math
import os
import random
import sys

SEED = 7
N_MOVIES, N_USERS = 600, 400

# The 19 MovieLens 100K genres (u.genre order); the demo uses eight of them.
ML_GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
             "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
             "War", "Western"]

GENRES = {
    "Sci-Fi": dict(
        heroes=["an android", "a starship pilot", "a lonely robot", "a young engineer", "an alien envoy", "a cyborg detective"],
        places=["on a distant planet", "aboard a failing space station", "in a domed colony on Mars", "across the galaxy", "in a city ruled by machines"],
        goals=["to stop a rogue artificial intelligence", "to decode a signal from deep space", "to save the last colony ship",
               "to outrun a swarm of alien drones", "to repair a collapsing wormhole"],
        twists=["a clone of herself", "a message from the future", "a virus in the ship's computer", "a secret about the stars"]),
    "Romance": dict(
        heroes=["a shy florist", "a widowed baker", "a travelling violinist", "two old friends", "a bride-to-be", "a lovesick poet"],
        places=["in a seaside village", "during a summer in Paris", "at a vineyard wedding", "in a snowbound inn", "on a long train journey"],
        goals=["to win back a first love", "to choose between two suitors", "to write the perfect love letter",
               "to save a failing bakery and a marriage", "to find the stranger from a chance meeting"],
        twists=["a forgotten diary", "a wedding ring in the wrong pocket", "a rival with a kind heart", "a kiss at midnight"]),
    "Crime": dict(
        heroes=["a weary detective", "a safecracker", "a rookie cop", "a mob accountant", "a getaway driver", "a con artist"],
        places=["in the back streets of Chicago", "in a casino town", "at the docks of a rainy port", "inside a corrupt precinct", "in a city of gangsters"],
        goals=["to pull off one last heist", "to bring down a crime boss", "to solve a string of murders",
               "to launder a fortune before dawn", "to find the mole in the police"],
        twists=["a double-cross", "a stolen ledger", "a witness who lies", "a body in the trunk"]),
    "Horror": dict(
        heroes=["a babysitter", "a group of campers", "a grieving mother", "a paranormal investigator", "a new tenant", "a small-town priest"],
        places=["in a haunted mansion", "in a fog-bound forest", "in an abandoned asylum", "in a cursed village", "beneath a crumbling church"],
        goals=["to survive the night", "to break an ancient curse", "to escape a masked killer",
               "to banish a demon from a child", "to find who is whispering in the walls"],
        twists=["a ghost in the cellar", "a ritual gone wrong", "blood on the mirror", "a door that should stay closed"]),
    "Comedy": dict(
        heroes=["a clumsy substitute teacher", "two slacker roommates", "an overworked dad", "a failed stand-up comic", "a pampered heiress", "a talking parrot"],
        places=["at a chaotic family reunion", "in a tiny office", "on a disastrous road trip", "at a summer camp", "in a small-town talent show"],
        goals=["to fake a wedding for the inheritance", "to win a ridiculous bet", "to hide a dog from the landlord",
               "to throw the party of the year", "to pass as a celebrity chef"],
        twists=["a mix-up of suitcases", "a goat at the wedding", "a prank that backfires", "a mistaken identity"]),
    "Western": dict(
        heroes=["a retired gunslinger", "a frontier sheriff", "a bounty hunter", "a homesteading widow", "a cattle rustler", "a young cowboy"],
        places=["on the dusty frontier", "in a lawless mining town", "along the cattle trail", "at a lonely ranch", "in the canyons of Arizona"],
        goals=["to avenge a murdered brother", "to defend the town from outlaws", "to drive the herd to market",
               "to claim the reward for a wanted man", "to win a duel at high noon"],
        twists=["a stolen horse", "gold in the river", "an ambush at the pass", "a sheriff on the take"]),
    "War": dict(
        heroes=["a young soldier", "a platoon sergeant", "a field nurse", "a resistance fighter", "a bomber pilot", "a captured officer"],
        places=["behind enemy lines", "on the beaches of Normandy", "in the jungles of Vietnam", "in a besieged city", "on a submarine in the Atlantic"],
        goals=["to rescue a trapped platoon", "to hold the bridge until dawn", "to smuggle refugees across the border",
               "to sabotage an enemy convoy", "to bring the wounded home"],
        twists=["a traitor in the unit", "a letter from home", "a minefield at night", "an order to retreat"]),
    "Animation": dict(
        heroes=["a brave little fox", "a toy robot", "a princess who can talk to birds", "a curious penguin", "a family of mice", "a young dragon"],
        places=["in an enchanted forest", "in a kingdom of candy", "under the sea", "in a toy shop after closing", "on a magical island"],
        goals=["to find the way home", "to save the forest from a greedy king", "to learn to fly",
               "to rescue a friend from a wicked witch", "to win the great race"],
        twists=["a wishing star", "a singing tree", "a map made of leaves", "a friendly giant"]),
}
NAMES = list(GENRES)
TITLE_A = ["Silent", "Last", "Broken", "Golden", "Midnight", "Wild", "Hidden", "Crimson", "Endless", "Lost", "Iron", "Summer",
           "Winter", "Little", "Dark", "Bright", "Secret", "Burning", "Frozen", "Distant"]
TITLE_B = {"Sci-Fi": ["Orbit", "Signal", "Machine", "Horizon", "Nebula"], "Romance": ["Heart", "Promise", "Kiss", "Letter", "Waltz"],
           "Crime": ["Heist", "Alibi", "Ledger", "Verdict", "Getaway"], "Horror": ["Curse", "Cellar", "Whisper", "Ritual", "Asylum"],
           "Comedy": ["Party", "Mix-Up", "Bet", "Roommates", "Reunion"], "Western": ["Frontier", "Saddle", "Outlaw", "Canyon", "Duel"],
           "War": ["Platoon", "Bridge", "Front", "Convoy", "Siege"], "Animation": ["Forest", "Kingdom", "Island", "Dragon", "Wish"]}


def plot(rng, genres):
    g1 = GENRES[genres[0]]
    g2 = GENRES[genres[-1]]
    sentence1 = f"{rng.choice(g1['heroes']).capitalize()} {rng.choice(g1['places'])} sets out {rng.choice(g1['goals'])}."
    sentence2 = f"But {rng.choice(g2['twists'])} changes everything, and {rng.choice(g2['goals'])} becomes the only way out."
    return sentence1 + " " + sentence2


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("Data", "demo")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    movies = []
    for m in range(1, N_MOVIES + 1):
        g = [rng.choice(NAMES)]
        if rng.random() < 0.35:
            g.append(rng.choice([n for n in NAMES if n != g[0]]))
        year = rng.randint(1950, 1998)
        title = f"{rng.choice(TITLE_A)} {rng.choice(TITLE_B[g[0]])} ({year})"
        popularity = math.exp(rng.gauss(0, 1.0))
        movies.append(dict(id=m, genres=g, title=title, year=year, plot=plot(rng, g), popularity=popularity))
    users = []
    for u in range(1, N_USERS + 1):
        favourites = rng.sample(NAMES, rng.choice([1, 2, 2, 3]))
        taste = {n: (1.0 if n in favourites else 0.08) for n in NAMES}
        activity = int(min(250, max(15, math.exp(rng.gauss(3.7, 0.7)))))
        users.append(dict(id=u, taste=taste, activity=activity))
    ratings = []
    t0 = 880_000_000
    for user in users:
        weights = [m["popularity"] * max(user["taste"][g] for g in m["genres"]) for m in movies]
        total = sum(weights)
        chosen = set()
        while len(chosen) < user["activity"]:
            r = rng.random() * total
            acc = 0.0
            for i, w in enumerate(weights):
                acc += w
                if acc >= r:
                    chosen.add(i)
                    break
        for i in sorted(chosen):
            m = movies[i]
            match = max(user["taste"][g] for g in m["genres"])
            rating = 5 if match == 1.0 and rng.random() < 0.7 else (4 if match == 1.0 else rng.choice([1, 2, 2, 3, 3, 4]))
            ratings.append((user["id"], m["id"], rating, t0 + rng.randint(0, 20_000_000)))
    with open(os.path.join(out, "u.data"), "w") as f:
        for r in ratings:
            f.write("%d\t%d\t%d\t%d\n" % r)
    with open(os.path.join(out, "u.item"), "w", encoding="latin-1") as f:
        for m in movies:
            flags = "|".join("1" if g in m["genres"] else "0" for g in ML_GENRES)
            f.write(f"{m['id']}|{m['title']}|01-Jan-{m['year']}||demo|{flags}\n")
    with open(os.path.join(out, "u.genre"), "w") as f:
        for k, g in enumerate(ML_GENRES):
            f.write(f"{g}|{k}\n")
    with open(os.path.join(out, "plots.tsv"), "w", encoding="utf-8") as f:
        f.write("movieId\tplot\n")
        for m in movies:
            f.write(f"{m['id']}\t{m['plot']}\n")
    with open(os.path.join(out, "README"), "w") as f:
        f.write("Demo data generated by scripts/make-demo-data.py (seed %d): %d users, %d movies, %d ratings,\n"
                "in the MovieLens 100K formats plus plots.tsv. Made up entirely; free to use.\n" % (SEED, N_USERS, N_MOVIES, len(ratings)))
    print(f"{out}: {N_USERS} users, {N_MOVIES} movies, {len(ratings)} ratings")


if __name__ == "__main__":
    main()
